// Re-exports the generated bindings.
export type { AppError } from "./AppError";
export type { AppState } from "./AppState";
export type { BarcodeHit } from "./BarcodeHit";
export type { LocationKind } from "./LocationKind";
export type { LocationStock } from "./LocationStock";
export type { LocationView } from "./LocationView";
export type { Money } from "./Money";
export type { ProductDetail } from "./ProductDetail";
export type { SearchHit } from "./SearchHit";
export type { StockFigure } from "./StockFigure";
export type { StoreInfo } from "./StoreInfo";
export type { Swatch } from "./Swatch";
export type { SyncPhase } from "./SyncPhase";
export type { SyncProgress } from "./SyncProgress";
export type { SyncStatus } from "./SyncStatus";
export type { VariantView } from "./VariantView";

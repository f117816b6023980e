// Spanish dictionary: the source of truth for message keys.
// Placeholders are written {name} and filled by t(key, { name }).
export const es = {
  app_name: "Vitrina",
  loading: "Cargando…",
  startup_failed: "No se pudo abrir la base de datos local.",
  retry: "Reintentar",

  lang_label: "Idioma",
  lang_es: "ES",
  lang_en: "EN",

  enroll_title: "Conecta esta tablet a tu tienda",
  enroll_intro:
    "Vitrina guarda el catálogo y el stock en este equipo para que puedas consultarlos aunque no haya conexión. Para empezar, ingresa la dirección de la central y el código de enrolamiento que te dio tu jefe de tienda.",
  enroll_url_label: "Dirección de la central",
  enroll_url_hint: "Por ejemplo http://192.168.1.10:8787",
  enroll_code_label: "Código de enrolamiento",
  enroll_code_hint: "Un solo uso. Pídeselo a tu jefe de tienda.",
  enroll_submit: "Conectar",
  enroll_busy: "Conectando…",

  error_central_unreachable:
    "No se pudo contactar la central. Revisa la dirección y la red Wi-Fi.",
  error_bad_enrollment_code:
    "El código es incorrecto o ya fue usado. Pide uno nuevo a tu jefe de tienda.",
  error_unauthorized:
    "La central rechazó este equipo. Pide a tu jefe de tienda que lo vuelva a enrolar.",
  error_not_enrolled: "Este equipo aún no está conectado a una tienda.",
  error_already_enrolled: "Este equipo ya está conectado a una tienda.",
  error_not_found: "No se encontró.",
  error_invalid_url:
    "La dirección no es válida. Debe empezar con http:// o https://, por ejemplo http://192.168.1.10:8787",
  error_invalid_code_empty: "Ingresa el código de enrolamiento.",
  error_invalid_field: "El valor de «{field}» no es válido.",
  error_protocol: "La central respondió algo inesperado ({detail}). Avisa a soporte.",
  error_internal: "Ocurrió un error inesperado. Vuelve a intentarlo.",

  first_sync_title: "Preparando la tienda",
  first_sync_intro:
    "Estamos descargando el catálogo y el stock. Solo pasa la primera vez; no cierres la aplicación.",
  first_sync_count: "{done} de {total}",
  first_sync_waiting: "Conectando con la central…",

  sync_synced_at: "Sincronizado {time}",
  sync_never: "Aún sin sincronizar",
  sync_syncing: "Sincronizando…",
  sync_offline: "Sin conexión",
  sync_error: "Error de sincronización",
  sync_now: "Sincronizar",
  offline_banner: "Sin conexión — mostrando datos guardados",
  offline_banner_since: "Última sincronización: {time}",

  search_label: "Buscar productos",
  search_placeholder: "Nombre, código de estilo o escanea un código de barras",
  search_clear: "Borrar búsqueda",
  search_empty_hint: "Escribe para buscar o escanea una etiqueta.",
  search_no_results: "Sin resultados para «{query}».",
  search_barcode_hint: "Presiona Enter para buscar el código de barras {code}.",
  search_looking_up: "Buscando el código {code}…",
  barcode_check_digit: "El código {code} no es válido: el dígito verificador no coincide.",
  barcode_format: "El código {code} no tiene un formato válido.",
  barcode_not_found: "Ningún producto tiene el código {code}.",
  available_here: "{count} aquí",
  none_here: "Nada aquí",
  price_none: "Sin precio",
  more_colors: "+{count}",

  back: "Volver",
  style_code: "Estilo {code}",
  colors_title: "Color",
  grid_title: "Disponible en esta tienda",
  grid_color: "Color",
  grid_on_hand: "físico {count}",
  here_in_color: "disponibles aquí en {color}",
  breakdown_show: "Ver desglose",
  breakdown_hide: "Ocultar desglose",
  breakdown_size: "Talla",
  breakdown_on_hand: "Físico",
  breakdown_reserved: "Reservado",
  breakdown_safety: "Seguridad",
  breakdown_atp: "Disponible",
  breakdown_in_transit: "En tránsito",
  breakdown_eta: "llega {date}",
  breakdown_none: "Sin stock registrado para este color.",
  other_locations: "Otras ubicaciones",
  no_other_locations: "No hay otras ubicaciones con datos.",
  kind_store: "Tienda",
  kind_warehouse: "Bodega",
  kind_online: "Online",
  distance_km: "{km} km",
  location_atp: "{count} disponibles",
  location_on_hand: "{count} físico",
  as_of: "al {time}",
  as_of_unknown: "sin fecha de actualización",
  offline_as_of: "sin conexión — último dato {time}",
  offline_badge: "Sin conexión",
  stale: "Desactualizado",
  product_failed: "No se pudo abrir el producto.",
} satisfies Record<string, string>;

export type MessageKey = keyof typeof es;
export type Dictionary = Record<MessageKey, string>;

/* The gRPC replies decoded by grpc_decode.c, as JSON: the evidence
 * --collect keeps next to each raw reply, and the test client's output. */
#ifndef MTI_GRPC_JSON_H
#define MTI_GRPC_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "grpc_decode.h"

/* decoded (the struct rpc names, filled by its decoder) as a new JSON
 * object; NULL without memory. The strings are the runtime's, as decoded
 * (capped). */
cJSON *mti_rpc_json(enum mti_rpc rpc, const void *decoded);

/* The reply message msg (len bytes) of rpc about id decoded and printed:
 * {"method", "decoded": {...}} or {"method", "error"} when it does not
 * decode. A new string for cJSON_free; NULL without memory. */
char *mti_rpc_reply_json(enum mti_rpc rpc, const uint8_t *msg, size_t len, const char *id);

#endif

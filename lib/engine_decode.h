/* Decoding Docker Engine API replies into the model: pure, no I/O.
 * Replies are hostile: wrong types are ignored with a warning, IDs that do
 * not match what was asked reject the whole reply, every list is capped. */
#ifndef MTI_ENGINE_DECODE_H
#define MTI_ENGINE_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include <minertrace/minertrace.h>

#define MTI_ENGINE_MAX_LIST 4096
#define MTI_ENGINE_MAX_LABELS 512
#define MTI_ENGINE_MAX_EXECS 256
#define MTI_ENGINE_MAX_EVENTS 1024
#define MTI_ENGINE_MAX_CHANGES 256
#define MTI_ENGINE_MAX_SAME_IMAGE 64

/* An engine API version: "1.41" is {1, 41}. */
struct mti_api_version {
	unsigned major;
	unsigned minor;
};

/* Parses an API version as the engine announced it (Api-Version header or
 * /version): "MAJOR.MINOR", or "MAJOR" alone (minor 0), each of 1 to 4
 * digits and nothing else (no sign, space, "v" or third part). False, with
 * *v untouched, for anything else or NULL. */
bool mti_parse_api_version(const char *s, struct mti_api_version *v);

/* GET /version: ApiVersion, Version, Os (each may come back NULL). */
enum mt_err mti_decode_version(const char *json, size_t len, struct mt_trace *t, char **api_version,
                               char **version, char **os);

/* GET /containers/{id}/json into ec (zeroed first). The exec IDs it lists
 * come back in *exec_ids (mti_strv_free). */
enum mt_err mti_decode_container(const char *json, size_t len, const char *expect_id,
                                 struct mt_trace *t, struct mt_engine_container *ec,
                                 char ***exec_ids, size_t *n_exec_ids);

/* GET /images/{id}/json into img (zeroed first). */
enum mt_err mti_decode_image(const char *json, size_t len, const char *expect_id,
                             struct mt_trace *t, struct mt_image *img);

/* GET /exec/{id}/json into x (zeroed first). */
enum mt_err mti_decode_exec(const char *json, size_t len, const char *expect_id,
                            const char *container_id, struct mt_trace *t,
                            struct mt_exec_session *x);

/* GET /events: a stream of JSON objects. Events of other containers are
 * dropped. *events is a new array (free each with the engine container). */
enum mt_err mti_decode_events(const char *body, size_t len, const char *container_id,
                              struct mt_trace *t, struct mt_event **events, size_t *n);

/* GET /containers/{id}/changes: counts every change, keeps those of
 * target_path and those added or modified under /tmp, /var/tmp, /dev/shm. */
enum mt_err mti_decode_changes(const char *json, size_t len, const char *target_path,
                               struct mt_trace *t, struct mt_engine_container *ec);

/* GET /containers/json?all=1&filters={"ancestor":[image_id]} into
 * si->containers: at most MTI_ENGINE_MAX_SAME_IMAGE, each with a 64-hex
 * ID; own_id (the target's container) and entries of another ImageID are
 * left out, the latter with a warning. MT_ERR_ENGINE_REPLY when the reply
 * is not a JSON array, else MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_decode_container_list(const char *json, size_t len, const char *image_id,
                                      const char *own_id, struct mt_trace *t,
                                      struct mt_spread_image *si);

/* Registry host of an image reference ("docker.io" when none is named). */
char *mti_reference_registry(const char *ref);

#endif

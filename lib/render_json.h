/* JSON rendering of the model (schema minertrace/1). */
#ifndef MTI_RENDER_JSON_H
#define MTI_RENDER_JSON_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include <minertrace/minertrace.h>

/* Collects the first error while a JSON tree is built. */
struct mti_json {
	enum mt_err err;
};

/* The whole trace document as a new cJSON tree (NULL without memory). */
cJSON *mti_json_trace(const struct mt_trace *t);

/* Adds s under key: a JSON string when s is valid UTF-8, otherwise a
 * readable form plus "<key>_base64" with the exact bytes. NULL adds null. */
void mti_json_add_bytes(struct mti_json *j, cJSON *o, const char *key, const char *s);
void mti_json_add_number(struct mti_json *j, cJSON *o, const char *key, double v);
void mti_json_add_bool(struct mti_json *j, cJSON *o, const char *key, bool v);

/* Prints tree to out (pretty or compact) with a final newline. */
enum mt_err mti_json_print(const cJSON *tree, bool pretty, FILE *out);

#endif

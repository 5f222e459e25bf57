/* Miner signatures (see signatures.h). */
#include "signatures.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* lib/miner-signatures.txt, made into a C string at build time. */
extern const char mti_builtin_signatures[];

static enum mt_err push(char ***v, size_t *n, const char *s, size_t len)
{
	char **p = realloc(*v, (*n + 1) * sizeof(**v));

	if (!p)
		return MT_ERR_NOMEM;
	*v = p;
	p[*n] = mti_strndup(s, len);
	if (!p[*n])
		return MT_ERR_NOMEM;
	(*n)++;
	return MT_OK;
}

static bool known_kind(const char *kind, size_t len)
{
	static const char *const kinds[] = {"name", "arg", "algo", "port"};
	size_t i;

	for (i = 0; i < MTI_ARRAY_LEN(kinds); i++)
		if (len == strlen(kinds[i]) && memcmp(kind, kinds[i], len) == 0)
			return true;
	return false;
}

enum mt_err mti_signatures_parse(struct mti_signatures *sigs, const char *text, size_t len,
                                 size_t *bad_line)
{
	const char *p = text, *end = text + len;
	size_t line = 0;

	if (bad_line)
		*bad_line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *kind = p, *kend, *val, *vend;
		enum mt_err err = MT_OK;

		line++;
		while (kind < le && (*kind == ' ' || *kind == '\t'))
			kind++;
		vend = le;
		while (vend > kind && (vend[-1] == ' ' || vend[-1] == '\t' || vend[-1] == '\r'))
			vend--;
		if (kind < vend && *kind != '#') {
			kend = kind;
			while (kend < vend && *kend != ' ' && *kend != '\t')
				kend++;
			val = kend;
			while (val < vend && (*val == ' ' || *val == '\t'))
				val++;
			if (val >= vend || !known_kind(kind, (size_t)(kend - kind)))
				err = MT_ERR_PARSE;
			else if (kend - kind == 4 && memcmp(kind, "name", 4) == 0)
				err = push(&sigs->names, &sigs->n_names, val, (size_t)(vend - val));
			else if (kend - kind == 3 && memcmp(kind, "arg", 3) == 0)
				err = push(&sigs->args, &sigs->n_args, val, (size_t)(vend - val));
			else if (kend - kind == 4 && memcmp(kind, "algo", 4) == 0)
				err = push(&sigs->algos, &sigs->n_algos, val, (size_t)(vend - val));
			else {
				uint64_t port;
				unsigned short *ports;

				if (!mti_parse_u64(val, (size_t)(vend - val), &port) || !port ||
				    port > 65535)
					err = MT_ERR_PARSE;
				else if (!(ports = realloc(sigs->ports,
				                           (sigs->n_ports + 1) * sizeof(*ports))))
					err = MT_ERR_NOMEM;
				else {
					sigs->ports = ports;
					sigs->ports[sigs->n_ports++] = (unsigned short)port;
				}
			}
		}
		if (err) {
			if (bad_line)
				*bad_line = line;
			return err;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return MT_OK;
}

enum mt_err mti_signatures_builtin(struct mti_signatures *sigs)
{
	return mti_signatures_parse(sigs, mti_builtin_signatures, strlen(mti_builtin_signatures),
	                            NULL);
}

void mti_signatures_free(struct mti_signatures *sigs)
{
	mti_strv_free(sigs->names, sigs->n_names);
	mti_strv_free(sigs->args, sigs->n_args);
	mti_strv_free(sigs->algos, sigs->n_algos);
	free(sigs->ports);
	memset(sigs, 0, sizeof(*sigs));
}

const char *mti_signature_name(const struct mti_signatures *sigs, const char *name)
{
	size_t i;

	for (i = 0; name && i < sigs->n_names; i++)
		if (strcasecmp(name, sigs->names[i]) == 0)
			return sigs->names[i];
	return NULL;
}

const char *mti_signature_arg(const struct mti_signatures *sigs, char *const *argv, size_t argc)
{
	size_t i, k;

	for (i = 0; i < argc; i++)
		for (k = 0; k < sigs->n_args; k++)
			if (strstr(argv[i], sigs->args[k]))
				return sigs->args[k];
	return NULL;
}

static const char *listed_algo(const struct mti_signatures *sigs, const char *value)
{
	size_t k;

	for (k = 0; k < sigs->n_algos; k++)
		if (strcasecmp(value, sigs->algos[k]) == 0)
			return sigs->algos[k];
	return NULL;
}

const char *mti_signature_algo(const struct mti_signatures *sigs, char *const *argv, size_t argc)
{
	const char *hit;
	size_t i;

	for (i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "-a") == 0 || strcmp(argv[i], "--algo") == 0) &&
		    i + 1 < argc && (hit = listed_algo(sigs, argv[i + 1])))
			return hit;
		if (mti_str_starts(argv[i], "--algo=") && (hit = listed_algo(sigs, argv[i] + 7)))
			return hit;
		if (mti_str_starts(argv[i], "-a") && argv[i][2] &&
		    (hit = listed_algo(sigs, argv[i] + 2)))
			return hit;
	}
	return NULL;
}

bool mti_signature_port(const struct mti_signatures *sigs, unsigned port)
{
	size_t i;

	for (i = 0; i < sigs->n_ports; i++)
		if (sigs->ports[i] == port)
			return true;
	return false;
}

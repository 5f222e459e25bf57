/* Trusted registries: the image's reference against the user's prefixes,
 * and the configuration file that lists them. */
#include "trusted.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine_decode.h"
#include "procfs.h"
#include "rules.h"
#include "trace_model.h"
#include "util.h"

#define CONFIG_CAP (64u * 1024u)
#define CONFIG_KEY "trusted-registry"

char *mti_reference_full(const char *ref)
{
	const char *slash;
	char *reg;
	bool named;

	if (!ref)
		return NULL;
	reg = mti_reference_registry(ref);
	if (!reg)
		return NULL;
	slash = strchr(ref, '/');
	/* The registry is named when the first component is one (a dot, a
	 * port or localhost); docker.io aliases are spelled docker.io. */
	named = slash && strncmp(ref, reg, (size_t)(slash - ref)) == 0 &&
	        strlen(reg) == (size_t)(slash - ref);
	if (!named && slash && strcmp(reg, "docker.io") == 0 &&
	    memchr(ref, '.', (size_t)(slash - ref))) {
		/* index.docker.io/x or registry-1.docker.io/x */
		char *full = mti_asprintf("docker.io%s", slash);

		free(reg);
		return full;
	}
	free(reg);
	if (named)
		return mti_strdup(ref);
	return mti_asprintf("docker.io/%s%s", slash ? "" : "library/", ref);
}

bool mti_trusted_match(const char *ref, const char *prefix)
{
	size_t n;
	char last, next;

	if (!ref || !prefix || !*prefix)
		return false;
	n = strlen(prefix);
	if (strncmp(ref, prefix, n) != 0)
		return false;
	last = prefix[n - 1];
	next = ref[n];
	return last == '/' || last == ':' || next == '\0' || next == '/' || next == ':' ||
	       next == '@';
}

/* "a, b, c" of the n prefixes. */
static char *list_words(const char *const *prefixes, size_t n)
{
	struct mti_buf b;
	size_t i;

	mti_buf_init(&b);
	for (i = 0; i < n; i++)
		if ((i && mti_buf_puts(&b, ", ")) || mti_buf_puts(&b, prefixes[i])) {
			mti_buf_free(&b);
			return NULL;
		}
	return mti_buf_steal(&b);
}

enum mt_err mti_registry_check(struct mt_trace *t, const char *const *prefixes, size_t n)
{
	struct mt_registry_check *r = &t->postmortem.registry;
	const struct mt_engine_container *ec = NULL;
	char *list;
	size_t i;

	mti_registry_check_clear(r);
	if (!n || !t->chain_len || t->chain[0].container_index < 0)
		return MT_OK;
	ec = t->containers[t->chain[0].container_index].engine;
	if (!ec || !ec->image_ref)
		return MT_OK;
	r->checked = true;
	r->image = mti_reference_full(ec->image_ref);
	r->registry = mti_reference_registry(ec->image_ref);
	list = list_words(prefixes, n);
	if (!r->image || !r->registry || !list) {
		free(list);
		return MT_ERR_NOMEM;
	}
	for (i = 0; i < n && !r->matched; i++)
		if (mti_trusted_match(r->image, prefixes[i]) ||
		    mti_trusted_match(ec->image_ref, prefixes[i]))
			r->matched = mti_strdup(prefixes[i]);
	if (r->matched) {
		r->trusted = true;
		r->text = mti_asprintf("the image %s comes from the trusted registry %s", r->image,
		                       r->matched);
	} else {
		r->text = mti_asprintf("the image %s is not from a trusted registry: it comes from "
		                       "%s%s, trusted are %s",
		                       r->image, r->registry,
		                       strcmp(r->registry, "docker.io") == 0 ? " (Docker Hub)" : "",
		                       list);
	}
	free(list);
	if (!r->text || (r->trusted && !r->matched))
		return MT_ERR_NOMEM;
	return r->trusted
	           ? MT_OK
	           : mti_signal_add(&t->verdict.signals, &t->verdict.n_signals,
	                            MTI_SIG_UNTRUSTED_REGISTRY, MTI_DOC_VERDICT, MTI_ARGS(r->text));
}

/* Parses the configuration: "trusted-registry PREFIX" lines, '#' comments
 * and blank lines. */
static enum mt_err config_parse(const char *text, size_t len, struct mt_config *cfg,
                                size_t *bad_line)
{
	size_t line = 0, cap = cfg->n_trusted_registries;
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end, *v;
		size_t klen = strlen(CONFIG_KEY);

		line++;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (p == e || *p == '#') {
			p = nl ? nl + 1 : end;
			continue;
		}
		*bad_line = line;
		if ((size_t)(e - p) <= klen || memcmp(p, CONFIG_KEY, klen) != 0 ||
		    (p[klen] != ' ' && p[klen] != '\t' && p[klen] != '='))
			return MT_ERR_PARSE;
		for (v = p + klen; v < e && (*v == ' ' || *v == '\t' || *v == '='); v++)
			;
		if (v == e || (size_t)(e - v) > MTI_TRUSTED_PREFIX_MAX ||
		    memchr(v, '\0', (size_t)(e - v)))
			return MT_ERR_PARSE;
		if (cfg->n_trusted_registries >= MTI_TRUSTED_MAX)
			return MT_ERR_LIMIT;
		if (mti_grow((void **)&cfg->trusted_registries, &cap, cfg->n_trusted_registries + 1,
		             sizeof(*cfg->trusted_registries)))
			return MT_ERR_NOMEM;
		cfg->trusted_registries[cfg->n_trusted_registries] =
		    mti_strndup(v, (size_t)(e - v));
		if (!cfg->trusted_registries[cfg->n_trusted_registries])
			return MT_ERR_NOMEM;
		cfg->n_trusted_registries++;
		p = nl ? nl + 1 : end;
	}
	*bad_line = 0;
	return MT_OK;
}

enum mt_err mt_config_parse(const char *text, size_t len, struct mt_config *cfg, size_t *bad_line)
{
	size_t dummy;

	return config_parse(text, len, cfg, bad_line ? bad_line : &dummy);
}

enum mt_err mt_config_read(const char *path, bool must_exist, struct mt_config *cfg, char *detail,
                           size_t detail_len)
{
	struct mti_buf b;
	struct stat st;
	enum mt_err err;
	size_t bad = 0;
	bool truncated = false;
	int fd;

	if (detail && detail_len)
		detail[0] = '\0';
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT && !must_exist)
			return MT_OK;
		err = mti_errno_to_err(errno);
		if (detail)
			snprintf(detail, detail_len, "%s: %s", path, strerror(errno));
		return err == MT_ERR_VANISHED ? MT_ERR_NOT_FOUND : err;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		if (detail)
			snprintf(detail, detail_len, "%s: not a regular file", path);
		return MT_ERR_INVALID_ARG;
	}
	mti_buf_init(&b);
	err = mti_read_fd(fd, CONFIG_CAP, &b, &truncated);
	close(fd);
	if (!err && truncated)
		err = MT_ERR_TOO_LARGE;
	if (!err)
		err = config_parse(b.data ? b.data : "", b.len, cfg, &bad);
	if (err && detail) {
		if (bad)
			snprintf(detail, detail_len, "%s, line %zu: expected \"%s PREFIX\"%s", path,
			         bad, CONFIG_KEY, err == MT_ERR_LIMIT ? " (too many entries)" : "");
		else
			snprintf(detail, detail_len, "%s: %s", path, mt_strerror(err));
	}
	mti_buf_free(&b);
	return err;
}

void mt_config_clear(struct mt_config *cfg)
{
	if (!cfg)
		return;
	mti_strv_free(cfg->trusted_registries, cfg->n_trusted_registries);
	cfg->trusted_registries = NULL;
	cfg->n_trusted_registries = 0;
}

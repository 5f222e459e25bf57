/* Trusted registries: whether the image the target runs comes from a
 * registry prefix the user trusts (--trusted-registry, the config file). */
#ifndef MTI_TRUSTED_H
#define MTI_TRUSTED_H

#include <stdbool.h>
#include <stddef.h>

#include <minertrace/minertrace.h>

/* Most trusted prefixes one configuration holds, and their longest. */
#define MTI_TRUSTED_MAX 256
#define MTI_TRUSTED_PREFIX_MAX 512

/* The reference in full: "nginx:1" is "docker.io/library/nginx:1",
 * "team/app" is "docker.io/team/app"; one that names a registry is kept.
 * A new string or NULL (no memory). */
char *mti_reference_full(const char *ref);

/* True when ref (in full) starts with prefix at a boundary: the prefix ends
 * in '/' or ':', or ref goes on with '/', ':' or '@' or ends there, so
 * "registry.example.com" does not trust "registry.example.com.evil/x". */
bool mti_trusted_match(const char *ref, const char *prefix);

/* Fills t->postmortem.registry for the target's container image against
 * the n prefixes (none: nothing is checked) and adds the verdict signal
 * "untrusted-registry" when it matches none. Pure. Returns MT_OK or
 * MT_ERR_NOMEM. */
enum mt_err mti_registry_check(struct mt_trace *t, const char *const *prefixes, size_t n);

#endif

/* The runtime shim in a process's chain: containerd-shim-runc-v2's command
 * line (-namespace NS -id ID -address SOCK) confirms a containerd task whose
 * cgroup alone does not say it is a container (ctr run: /<namespace>/<id>,
 * any name the user gave), names the runtime and the containerd that owns
 * the task. No runtime API is asked. */
#ifndef MTI_SHIM_H
#define MTI_SHIM_H

#include <stdbool.h>
#include <stddef.h>

#include <minertrace/minertrace.h>

#define MTI_CONTAINERD_ID_MAX 76

/* Pure: containerd's identifier rule (namespaces, container IDs): 1 to
 * MTI_CONTAINERD_ID_MAX bytes, [A-Za-z0-9] first, then [A-Za-z0-9._-]. */
bool mti_containerd_identifier(const char *s);

/* A containerd shim's command line; the strings point into the argv. */
struct mti_shim {
	const char *namespace;
	const char *id;
	const char *address; /* NULL when absent or not an absolute socket path */
};

/* Pure: true when argv is a containerd shim's (v2 runc shim or the v1
 * containerd-shim) with a valid namespace and ID
 * (mti_containerd_identifier). */
bool mti_shim_parse(char *const *argv, size_t argc, struct mti_shim *out);

/* Pure: true when the cgroup path is a containerd task's default one,
 * "/<namespace>/<id>", possibly below a parent ("/a/b/<namespace>/<id>"). */
bool mti_shim_cgroup_matches(const char *path, const char *ns, const char *id);

/* Places the chain's processes that a shim confirms in their task: a host
 * cgroup named /<namespace>/<id> under the shim of that namespace and ID
 * becomes that container (runtime containerd, docker for the moby
 * namespace), an unknown runtime under a containerd shim becomes
 * containerd. Call before the containers are listed. MT_ERR_NOMEM or MT_OK. */
enum mt_err mti_shim_confirm(struct mt_trace *t);

/* Fills each container's task (namespace, address, shim PID, CRI or not)
 * from the shim that is the parent of its topmost process in the chain.
 * MT_ERR_NOMEM or MT_OK. */
enum mt_err mti_shim_describe(struct mt_trace *t);

#endif

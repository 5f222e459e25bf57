/* The runtime shim in a process's chain (see shim.h). */
#include "shim.h"

#include <stdlib.h>
#include <string.h>

#include "trace_model.h"
#include "util.h"

#define SOCKET_PATH_MAX 107

bool mti_containerd_identifier(const char *s)
{
	size_t i, n = s ? strlen(s) : 0;

	if (n == 0 || n > MTI_CONTAINERD_ID_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

bool mti_shim_parse(char *const *argv, size_t argc, struct mti_shim *out)
{
	const char *name;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!argv || argc < 2 || !argv[0])
		return false;
	name = base_name(argv[0]);
	if (strcmp(name, "containerd-shim") != 0 && !mti_str_starts(name, "containerd-shim-"))
		return false;
	for (i = 1; i + 1 < argc; i++) {
		const char *flag = argv[i], *val = argv[i + 1];

		if (!flag || !val)
			return false;
		if (flag[0] == '-' && flag[1] == '-')
			flag++;
		if (strcmp(flag, "-namespace") == 0)
			out->namespace = val;
		else if (strcmp(flag, "-id") == 0)
			out->id = val;
		else if (strcmp(flag, "-address") == 0)
			out->address = val;
		else
			continue;
		i++;
	}
	if (out->address && (out->address[0] != '/' || strlen(out->address) > SOCKET_PATH_MAX))
		out->address = NULL;
	if (!out->namespace || !mti_containerd_identifier(out->namespace) ||
	    (out->id && !mti_containerd_identifier(out->id))) {
		memset(out, 0, sizeof(*out));
		return false;
	}
	return true;
}

bool mti_shim_cgroup_matches(const char *path, const char *ns, const char *id)
{
	size_t pl, nl, il;

	if (!path || !ns || !id)
		return false;
	pl = strlen(path);
	nl = strlen(ns);
	il = strlen(id);
	if (pl < nl + il + 2)
		return false;
	path += pl - (nl + il + 2);
	return path[0] == '/' && memcmp(path + 1, ns, nl) == 0 && path[1 + nl] == '/' &&
	       memcmp(path + 2 + nl, id, il) == 0;
}

/* The nearest containerd shim above chain index i, or -1. */
static int shim_above(const struct mt_trace *t, size_t i, struct mti_shim *shim)
{
	size_t j;

	for (j = i + 1; j < t->chain_len; j++)
		if (mti_shim_parse(t->chain[j].argv, t->chain[j].argc, shim))
			return (int)j;
	return -1;
}

static enum mt_runtime runtime_of(const struct mti_shim *shim)
{
	/* dockerd keeps its containers in containerd's namespace "moby" */
	return strcmp(shim->namespace, "moby") == 0 ? MT_RUNTIME_DOCKER : MT_RUNTIME_CONTAINERD;
}

enum mt_err mti_shim_confirm(struct mt_trace *t)
{
	size_t i;

	for (i = 0; i < t->chain_len; i++) {
		struct mt_cgroup_info *cg = &t->chain[i].cgroup;
		struct mti_shim shim;
		int j = shim_above(t, i, &shim);

		if (j < 0)
			continue;
		if (cg->scope == MT_SCOPE_CONTAINER && cg->container.id) {
			if (cg->container.runtime == MT_RUNTIME_UNKNOWN)
				cg->container.runtime = runtime_of(&shim);
			continue;
		}
		/* A host-looking cgroup /<ns>/<id> under the shim of that very task,
		 * the shim itself outside that cgroup. */
		if (cg->scope != MT_SCOPE_HOST || !shim.id ||
		    !mti_shim_cgroup_matches(cg->path, shim.namespace, shim.id) ||
		    (t->chain[j].cgroup.path && strcmp(t->chain[j].cgroup.path, cg->path) == 0))
			continue;
		free(cg->container.id);
		cg->container.id = mti_strdup(shim.id);
		if (!cg->container.id)
			return MT_ERR_NOMEM;
		cg->container.runtime = runtime_of(&shim);
		cg->scope = MT_SCOPE_CONTAINER;
	}
	return MT_OK;
}

enum mt_err mti_shim_describe(struct mt_trace *t)
{
	size_t c, i;

	for (c = 0; c < t->n_containers; c++) {
		struct mt_container *ct = &t->containers[c];
		struct mt_runtime_task *task;
		struct mti_shim shim;
		int top = -1;

		for (i = 0; i < t->chain_len; i++)
			if (t->chain[i].container_index == (int)c)
				top = (int)i;
		if (top < 0 || (size_t)top + 1 >= t->chain_len || ct->task ||
		    !mti_shim_parse(t->chain[top + 1].argv, t->chain[top + 1].argc, &shim))
			continue;
		task = calloc(1, sizeof(*task));
		if (!task)
			return MT_ERR_NOMEM;
		ct->task = task;
		task->shim_pid = t->chain[top + 1].pid;
		task->namespace = mti_strdup(shim.namespace);
		if (!task->namespace || (shim.address && !(task->address = mti_strdup(shim.address))) ||
		    (shim.id && !(task->shim_id = mti_strdup(shim.id))))
			return MT_ERR_NOMEM;
		/* the CRI plugin keeps its pods in the namespace k8s.io */
		task->cri = strcmp(shim.namespace, "k8s.io") == 0;
		if (ct->runtime == MT_RUNTIME_UNKNOWN)
			ct->runtime = runtime_of(&shim);
	}
	return MT_OK;
}

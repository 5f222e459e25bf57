/* A containerd task's OCI bundle, read-only (see oci_bundle.h). */
#include "oci_bundle.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exe.h"
#include "procfs.h"
#include "trace_model.h"
#include "util.h"

#define NAME_MAX_LEN 512  /* names and IDs from annotations */
#define ARG_MAX_LEN 32768 /* one process argument */
#define DEFAULT_TASK_DIR "/run/containerd/io.containerd.runtime.v2.task"

/* A copy of the string member key of o, NULL when absent, not a string,
 * longer than max or holding a NUL. *err set on allocation failure. */
static char *string_member(const cJSON *o, const char *key, size_t max, enum mt_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char *copy;

	if (!cJSON_IsString(v) || !v->valuestring || strlen(v->valuestring) > max)
		return NULL;
	copy = mti_strdup(v->valuestring);
	if (!copy)
		*err = MT_ERR_NOMEM;
	return copy;
}

static enum mt_err parse_args(const cJSON *process, struct mt_oci_bundle *out)
{
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(process, "args"), *a;
	int n = cJSON_GetArraySize(args);

	if (!cJSON_IsArray(args) || n <= 0)
		return MT_OK;
	if (n > MTI_BUNDLE_MAX_ARGS) {
		n = MTI_BUNDLE_MAX_ARGS;
		out->args_truncated = true;
	}
	out->args = calloc((size_t)n, sizeof(*out->args));
	if (!out->args)
		return MT_ERR_NOMEM;
	cJSON_ArrayForEach(a, args)
	{
		if (out->n_args >= (size_t)n)
			break;
		if (!cJSON_IsString(a) || !a->valuestring) {
			out->args_truncated = true;
			continue;
		}
		out->args[out->n_args] = mti_strndup(
		    a->valuestring, strnlen(a->valuestring, ARG_MAX_LEN));
		if (!out->args[out->n_args])
			return MT_ERR_NOMEM;
		if (strlen(a->valuestring) > ARG_MAX_LEN)
			out->args_truncated = true;
		out->n_args++;
	}
	return MT_OK;
}

enum mt_err mti_oci_bundle_parse(const char *json, size_t len, struct mt_oci_bundle *out)
{
	static const struct {
		const char *key;
		size_t offset;
	} annotations[] = {
	    {"io.kubernetes.cri.container-type", offsetof(struct mt_oci_bundle, container_type)},
	    {"io.kubernetes.cri.container-name", offsetof(struct mt_oci_bundle, container_name)},
	    {"io.kubernetes.cri.image-name", offsetof(struct mt_oci_bundle, image_name)},
	    {"io.kubernetes.cri.sandbox-id", offsetof(struct mt_oci_bundle, sandbox_id)},
	    {"io.kubernetes.cri.sandbox-name", offsetof(struct mt_oci_bundle, pod_name)},
	    {"io.kubernetes.cri.sandbox-namespace", offsetof(struct mt_oci_bundle, pod_namespace)},
	    {"io.kubernetes.cri.sandbox-uid", offsetof(struct mt_oci_bundle, pod_uid)},
	};
	cJSON *root;
	const cJSON *ann, *r;
	enum mt_err err = MT_OK;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!json || len == 0 || len > MTI_BUNDLE_CAP)
		return MT_ERR_PARSE;
	root = cJSON_ParseWithLength(json, len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return MT_ERR_PARSE;
	}
	ann = cJSON_GetObjectItemCaseSensitive(root, "annotations");
	for (i = 0; cJSON_IsObject(ann) && !err && i < MTI_ARRAY_LEN(annotations); i++)
		*(char **)((char *)out + annotations[i].offset) =
		    string_member(ann, annotations[i].key, NAME_MAX_LEN, &err);
	r = cJSON_GetObjectItemCaseSensitive(root, "root");
	if (!err && cJSON_IsObject(r))
		out->root = string_member(r, "path", ARG_MAX_LEN, &err);
	if (!err)
		err = parse_args(cJSON_GetObjectItemCaseSensitive(root, "process"), out);
	cJSON_Delete(root);
	if (err)
		mti_oci_bundle_clear(out);
	return err;
}

/* True when a link text ends with "/<ns>/<id>". */
static bool ends_with_task(const char *path, const char *ns, const char *id)
{
	size_t pl = strlen(path), nl = strlen(ns), il = strlen(id);

	return pl >= nl + il + 2 && path[pl - il - nl - 2] == '/' &&
	       memcmp(path + pl - il - nl - 1, ns, nl) == 0 && path[pl - il - 1] == '/' &&
	       memcmp(path + pl - il, id, il) == 0;
}

/* Opens the bundle directory of container id: through the shim's cwd
 * (the shim's own task, or a sibling for a pod container), else the
 * default task directory. *path gets its host path. -1 when none. */
static int open_bundle_dir(const struct mti_procfs *pfs, const struct mt_runtime_task *task,
                           const char *id, char **path)
{
	char name[32], *cwd = NULL;
	int pid_fd = -1, cwd_fd = -1, ns_fd = -1, fd = -1;

	*path = NULL;
	snprintf(name, sizeof(name), "%d", (int)task->shim_pid);
	pid_fd = openat(pfs->root_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	/* the cwd link is the kernel's: the shim's bundle, named /<ns>/<shim id> */
	if (pid_fd >= 0 && task->shim_id && mti_readlink_at(pid_fd, "cwd", &cwd) == MT_OK &&
	    cwd[0] == '/' && ends_with_task(cwd, task->namespace, task->shim_id))
		cwd_fd = openat(pid_fd, "cwd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd_fd >= 0 && strcmp(task->shim_id, id) == 0) {
		fd = cwd_fd;
		cwd_fd = -1;
		*path = cwd;
		cwd = NULL;
	} else if (cwd_fd >= 0) {
		ns_fd = openat(cwd_fd, "..", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (ns_fd >= 0)
			fd = openat(ns_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			*path = mti_asprintf("%.*s/%s",
			                     (int)(strlen(cwd) - strlen(task->shim_id) - 1), cwd,
			                     id);
	} else {
		int root_fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		*path = mti_asprintf("%s/%s/%s", DEFAULT_TASK_DIR, task->namespace, id);
		/* no link followed on the way: /run is the host's own */
		if (*path && root_fd >= 0)
			fd = mti_open_in_root_walk(root_fd, *path + 1, O_RDONLY | O_DIRECTORY);
		if (root_fd >= 0)
			close(root_fd);
	}
	if (fd < 0 || !*path) {
		if (fd >= 0)
			close(fd);
		fd = -1;
		free(*path);
		*path = NULL;
	}
	if (ns_fd >= 0)
		close(ns_fd);
	if (cwd_fd >= 0)
		close(cwd_fd);
	if (pid_fd >= 0)
		close(pid_fd);
	free(cwd);
	return fd;
}

/* Reads one container's bundle into c->task->bundle. */
static enum mt_err read_one(const struct mti_procfs *pfs, struct mt_trace *t,
                            struct mt_container *c)
{
	struct mt_oci_bundle *b;
	struct mti_buf buf;
	char *path = NULL;
	enum mt_err err;
	int fd;

	fd = open_bundle_dir(pfs, c->task, c->id, &path);
	if (fd < 0) {
		free(path);
		mti_warn(t, MT_ERR_NOT_FOUND, c->task->shim_pid, "bundle",
		         "the OCI bundle of container %s (namespace %s) cannot be opened", c->id,
		         c->task->namespace);
		return MT_OK;
	}
	mti_buf_init(&buf);
	err = mti_read_at(fd, "config.json", MTI_BUNDLE_CAP, &buf, NULL);
	close(fd);
	if (err == MT_ERR_NOMEM)
		goto out;
	if (err) {
		mti_warn(t, err, c->task->shim_pid, "bundle", "%s/config.json: %s", path,
		         mt_strerror(err));
		err = MT_OK;
		goto out;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		err = MT_ERR_NOMEM;
		goto out;
	}
	err = mti_oci_bundle_parse(buf.data, buf.len, b);
	if (err) {
		free(b);
		if (err == MT_ERR_NOMEM)
			goto out;
		mti_warn(t, err, c->task->shim_pid, "bundle", "%s/config.json is not a JSON object",
		         path);
		err = MT_OK;
		goto out;
	}
	b->path = path;
	path = NULL;
	c->task->bundle = b;
out:
	mti_buf_free(&buf);
	free(path);
	return err;
}

enum mt_err mti_oci_bundle_read_all(const struct mti_procfs *pfs, struct mt_trace *t)
{
	enum mt_err err = MT_OK;
	size_t i;

	if (!pfs->live)
		return MT_OK;
	/* Docker's tasks (namespace moby) are described by its engine */
	for (i = 0; !err && i < t->n_containers; i++)
		if (t->containers[i].task && !t->containers[i].task->bundle &&
		    strcmp(t->containers[i].task->namespace, "moby") != 0)
			err = read_one(pfs, t, &t->containers[i]);
	return err;
}

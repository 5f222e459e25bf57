/* Stable names and messages for the enums of the public API. */
#include <stdio.h>
#include <string.h>

#include <minertrace/minertrace.h>

#include "util.h"

static const struct {
	const char *name;
	const char *text;
} err_table[] = {
    [MT_OK] = {"ok", "no error"},
    [MT_ERR_NOMEM] = {"nomem", "out of memory"},
    [MT_ERR_INVALID_ARG] = {"invalid-argument", "invalid argument"},
    [MT_ERR_NO_PROCESS] = {"no-process", "no such process"},
    [MT_ERR_VANISHED] = {"vanished", "process exited or its PID was reused"},
    [MT_ERR_PERMISSION] = {"permission", "permission denied"},
    [MT_ERR_IO] = {"io", "input/output error"},
    [MT_ERR_PARSE] = {"parse", "unexpected data"},
    [MT_ERR_TOO_LARGE] = {"too-large", "data over the size limit"},
    [MT_ERR_ENGINE_UNREACHABLE] = {"engine-unreachable", "container engine unreachable"},
    [MT_ERR_ENGINE_TIMEOUT] = {"engine-timeout", "container engine did not answer in time"},
    [MT_ERR_ENGINE_HTTP] = {"engine-http", "container engine answered with an error"},
    [MT_ERR_ENGINE_REPLY] = {"engine-reply", "container engine reply malformed"},
    [MT_ERR_UNSUPPORTED] = {"unsupported", "not available here"},
    [MT_ERR_EXISTS] = {"exists", "already exists"},
    [MT_ERR_LIMIT] = {"limit", "a safety limit was reached"},
    [MT_ERR_NOT_FOUND] = {"not-found", "not found"},
    [MT_ERR_NOT_REGULAR] = {"not-regular", "not a regular file (not opened)"},
};

const char *mt_strerror(enum mt_err err)
{
	if ((size_t)err < MTI_ARRAY_LEN(err_table) && err_table[err].text)
		return err_table[err].text;
	return "unknown error";
}

const char *mt_err_name(enum mt_err err)
{
	if ((size_t)err < MTI_ARRAY_LEN(err_table) && err_table[err].name)
		return err_table[err].name;
	return "unknown";
}

#define NAME_FN(fn, type, ...)                                                                     \
	const char *fn(type v)                                                                     \
	{                                                                                          \
		static const char *const names[] = {__VA_ARGS__};                                  \
		if ((size_t)v < MTI_ARRAY_LEN(names) && names[v])                                  \
			return names[v];                                                           \
		return "unknown";                                                                  \
	}

NAME_FN(mt_role_name, enum mt_role, [MT_ROLE_HOST] = "host", [MT_ROLE_TARGET] = "target",
        [MT_ROLE_CONTAINER_PROCESS] = "container-process",
        [MT_ROLE_CONTAINER_INIT] = "container-init", [MT_ROLE_RUNTIME_SHIM] = "runtime-shim")

NAME_FN(mt_runtime_name, enum mt_runtime, [MT_RUNTIME_UNKNOWN] = "unknown",
        [MT_RUNTIME_DOCKER] = "docker", [MT_RUNTIME_CONTAINERD] = "containerd",
        [MT_RUNTIME_CRIO] = "cri-o", [MT_RUNTIME_PODMAN] = "podman", [MT_RUNTIME_LXC] = "lxc",
        [MT_RUNTIME_NSPAWN] = "systemd-nspawn")

NAME_FN(mt_scope_name, enum mt_cgroup_scope, [MT_SCOPE_UNKNOWN] = "unknown",
        [MT_SCOPE_HOST] = "host", [MT_SCOPE_CONTAINER] = "container",
        [MT_SCOPE_RUNTIME] = "runtime", [MT_SCOPE_NAMESPACE_ROOT] = "namespace-root",
        [MT_SCOPE_OUTSIDE_NAMESPACE] = "outside-namespace")

NAME_FN(mt_qos_name, enum mt_qos, [MT_QOS_NONE] = "none", [MT_QOS_GUARANTEED] = "guaranteed",
        [MT_QOS_BURSTABLE] = "burstable", [MT_QOS_BESTEFFORT] = "besteffort")

NAME_FN(mt_origin_name, enum mt_origin_kind, [MT_ORIGIN_UNKNOWN] = "unknown",
        [MT_ORIGIN_WRITABLE_LAYER] = "writable-layer", [MT_ORIGIN_IMAGE_LAYER] = "image-layer",
        [MT_ORIGIN_MOUNT] = "mount", [MT_ORIGIN_MEMFD] = "memfd", [MT_ORIGIN_HOST] = "host")

NAME_FN(mt_entry_name,
        enum mt_entry_kind, [MT_ENTRY_UNKNOWN] = "unknown", [MT_ENTRY_HOST] = "host-process",
        [MT_ENTRY_CONTAINER_INIT] = "container-init", [MT_ENTRY_INIT_TREE] = "init-tree",
        [MT_ENTRY_RUNTIME_EXEC] = "runtime-exec", [MT_ENTRY_SETNS] = "setns",
        [MT_ENTRY_DOCKER_EXEC] = "docker-exec", [MT_ENTRY_PRIVATE_PIDNS] = "private-pid-namespace",
        [MT_ENTRY_CGROUP_ONLY] = "cgroup-only", [MT_ENTRY_KERNEL_THREAD] = "kernel-thread")

NAME_FN(mt_class_name, enum mt_classification, [MT_CLASS_UNKNOWN] = "unknown",
        [MT_CLASS_HOST_PROCESS] = "host-process", [MT_CLASS_UNWANTED_IMAGE] = "unwanted-image",
        [MT_CLASS_INTRODUCED] = "introduced-process", [MT_CLASS_IMAGE_PROCESS] = "image-content",
        [MT_CLASS_MOVED_INTO_CGROUP] = "moved-into-container-cgroup")

NAME_FN(mt_chain_end_name,
        enum mt_chain_end, [MT_CHAIN_ROOT] = "root", [MT_CHAIN_PARENT_VANISHED] = "parent-vanished",
        [MT_CHAIN_PID_RECYCLED] = "pid-recycled", [MT_CHAIN_LOOP] = "loop",
        [MT_CHAIN_DEPTH_LIMIT] = "depth-limit", [MT_CHAIN_UNREADABLE] = "unreadable")

NAME_FN(mt_status_name,
        enum mt_trace_status, [MT_TRACE_COMPLETE] = "traced", [MT_TRACE_NOT_FOUND] = "not-found",
        [MT_TRACE_VANISHED] = "vanished", [MT_TRACE_UNREADABLE] = "unreadable")

NAME_FN(
    mt_image_source_name,
    enum mt_image_source, [MT_IMAGE_SOURCE_UNKNOWN] = "unknown", [MT_IMAGE_SOURCE_LOCAL] = "local",
    [MT_IMAGE_SOURCE_DOCKER_HUB] = "docker-hub", [MT_IMAGE_SOURCE_REGISTRY] = "registry")

NAME_FN(mt_change_kind_name, enum mt_change_kind, [MT_CHANGE_MODIFIED] = "modified",
        [MT_CHANGE_ADDED] = "added", [MT_CHANGE_DELETED] = "deleted")

NAME_FN(mt_clock_name, enum mt_clock, [MT_CLOCK_ENGINE] = "engine", [MT_CLOCK_KERNEL] = "kernel",
        [MT_CLOCK_FILE] = "file")

NAME_FN(mt_time_source_name, enum mt_time_source, [MT_TIME_IMAGE_CREATED] = "image-created",
        [MT_TIME_CONTAINER_CREATED] = "container-created",
        [MT_TIME_CONTAINER_STARTED] = "container-started", [MT_TIME_ENGINE_EVENT] = "engine-event",
        [MT_TIME_EXEC] = "exec", [MT_TIME_PROCESS_START] = "process-start",
        [MT_TIME_EXE_MODIFIED] = "exe-modified", [MT_TIME_EXE_CHANGED] = "exe-changed",
        [MT_TIME_DRIFT_MODIFIED] = "drift-modified",
        [MT_TIME_PERSISTENCE_MODIFIED] = "persistence-modified")

NAME_FN(mt_persist_kind_name,
        enum mt_persist_kind, [MT_PERSIST_CRON] = "cron", [MT_PERSIST_PRELOAD] = "ld-so-preload",
        [MT_PERSIST_SSH_KEYS] = "ssh-authorized-keys", [MT_PERSIST_RC_LOCAL] = "rc-local",
        [MT_PERSIST_INIT_SCRIPT] = "init-script", [MT_PERSIST_SYSTEMD_UNIT] = "systemd-unit",
        [MT_PERSIST_PROFILE] = "profile", [MT_PERSIST_SHELL_RC] = "shell-rc")

NAME_FN(mt_story_name, enum mt_story_kind, [MT_STORY_UNKNOWN] = "unknown",
        [MT_STORY_APP_SPAWNED_SHELL] = "application-spawned-shell", [MT_STORY_EXEC] = "exec",
        [MT_STORY_SETNS] = "setns", [MT_STORY_UNWANTED_IMAGE] = "unwanted-image",
        [MT_STORY_INIT_TREE] = "init-tree", [MT_STORY_HOST] = "host-process")

NAME_FN(
    mt_miner_setting_name,
    enum mt_miner_setting, [MT_MINER_POOL] = "pool", [MT_MINER_USER] = "user",
    [MT_MINER_PASS] = "pass", [MT_MINER_RIG_ID] = "rig-id", [MT_MINER_ALGO] = "algo",
    [MT_MINER_COIN] = "coin", [MT_MINER_DONATE] = "donate-level", [MT_MINER_THREADS] = "threads")

char *mt_short_id(const char *id, char *buf, size_t buf_len)
{
	if (!buf || !buf_len)
		return buf;
	mti_strlcpy(buf, id ? id : "", buf_len < 13 ? buf_len : 13);
	return buf;
}

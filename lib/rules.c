/* The rules: the catalogue of signals, its adder, and the predicates that
 * decide the signals which are rules of their own. Pure: no I/O. */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Points are documented in minertrace(1); the ids in docs/json.md. */
const struct mti_rule mti_rules[MTI_SIG_COUNT] = {
    [MTI_SIG_CPU_HIGH] = {"cpu", 30, NULL, "%s%% of a core over the interval"}, /* >= 80% */
    [MTI_SIG_CPU_MID] = {"cpu", 20, NULL, "%s%% of a core over the interval"},  /* >= 50% */
    [MTI_SIG_CPU_LOW] = {"cpu", 10, NULL, "%s%% of a core over the interval"},  /* >= 25% */
    [MTI_SIG_MINER_NAME] = {"miner-name", 40, NULL, "named like a known miner (%s)"},
    [MTI_SIG_STRATUM] = {"stratum", 40, NULL, "a mining pool URL (%s) on its command line"},
    [MTI_SIG_MINER_ARGUMENT] = {"miner-argument", 25, NULL,
                                "a miner's option on its command line (%s)"},
    [MTI_SIG_ALGORITHM] = {"algorithm", 20, NULL, "asks for mining algorithm %s"},
    [MTI_SIG_POOL_PORT] = {"pool-port", 30, NULL, "%s %s:%s, a mining pool port"},
    [MTI_SIG_PRELOAD_FILE] = {"preload-file", 20, NULL,
                              "its root's /etc/ld.so.preload loads %s into every program (a "
                              "rootkit's way to hide processes)"},
    [MTI_SIG_LD_PRELOAD] = {"ld-preload", 15, NULL, "LD_PRELOAD=%s in its environment"},
    [MTI_SIG_RESPAWNED] = {"respawned", 15, NULL,
                           "replaces PID %s of the same name: its parent PID %s restarts it"},
    [MTI_SIG_WATCHDOG] = {"watchdog", 10, NULL, "restarted its child %s (PID %s became %s)"},
    [MTI_SIG_HIDDEN] = {"hidden", 40, NULL,
                        "answers a direct probe but is missing from the /proc listing (hidden "
                        "by a userland rootkit)"},
    [MTI_SIG_EXE_DELETED] = {"exe-deleted", 25, "its executable %s was deleted after it started",
                             "its executable %s was deleted"},
    [MTI_SIG_FILELESS] = {"fileless", 30, "runs from memfd \"%s\"", "runs from a memfd (%s)"},
    [MTI_SIG_SCRATCH_DIR] = {"scratch-dir", 15, "runs from %s, a world-writable scratch directory",
                             "runs from %s"},
    [MTI_SIG_WRITABLE_LAYER] = {"writable-layer", 15,
                                "its binary is in the container's writable layer, not in the "
                                "image",
                                "its binary is in the container's writable layer, not in the "
                                "image"},
    [MTI_SIG_ENTERED_FROM_OUTSIDE] = {"entered-from-outside", 10, "%s", "%s"},
    [MTI_SIG_CGROUP_ONLY] = {"cgroup-only", 0,
                             "in a container's cgroup but not in its namespaces: a host process "
                             "moved there, where the container is billed for its CPU and it "
                             "hides among the container's processes",
                             NULL},
    [MTI_SIG_MOUNTED_BINARY] = {"mounted-binary", 0, "its binary comes from the %s mount at %s",
                                NULL},
    [MTI_SIG_ROOT_IN_CONTAINER] = {"root-in-container", 0, "runs as root inside the container",
                                   NULL},
    [MTI_SIG_PRIVILEGED] = {"privileged", 0,
                            "the container is privileged: root in it is root on the host", NULL},
    [MTI_SIG_HOST_PID] = {"host-pid", 0, "the container shares the host's PID namespace", NULL},
    [MTI_SIG_DANGEROUS_MOUNT] = {"dangerous-mount", 0, "%s", NULL},
    [MTI_SIG_CAP_ADDED] = {"cap-added", 0, "the container was given %s", NULL},
    [MTI_SIG_IMAGE_FROM_DOCKER_HUB] = {"image-from-docker-hub", 0,
                                       "the image %s comes from Docker Hub, not from an "
                                       "internal registry",
                                       NULL},
    [MTI_SIG_IMAGE_LOCAL] = {"image-local", 0,
                             "the image %s has no registry digest: it was built or loaded on "
                             "this host",
                             NULL},
    [MTI_SIG_DRIFT] = {"drift", 0, "the engine lists %s as %s since the image", NULL},
    [MTI_SIG_UNTRUSTED_REGISTRY] = {"untrusted-registry", 0, "%s", NULL},
};

/* The words with each "%s" replaced by the next of args, into b. */
static enum mt_err fill_words(struct mti_buf *b, const char *words, const char *const *args)
{
	enum mt_err err = MT_OK;
	const char *p;

	for (p = words; *p && !err; p++) {
		if (p[0] == '%' && p[1] == '%') {
			err = mti_buf_putc(b, '%');
			p++;
		} else if (p[0] == '%' && p[1] == 's') {
			if (args && *args)
				err = mti_buf_puts(b, *args++);
			p++;
		} else {
			err = mti_buf_putc(b, *p);
		}
	}
	return err;
}

enum mt_err mti_signal_add(struct mt_signal **list, size_t *n, enum mti_rule_id id,
                           enum mti_signal_doc doc, const char *const *args)
{
	const struct mti_rule *r;
	const char *words;
	struct mt_signal *v, *s;
	struct mti_buf b;
	enum mt_err err;

	if ((unsigned)id >= MTI_SIG_COUNT)
		return MT_ERR_INVALID_ARG;
	r = &mti_rules[id];
	words = doc == MTI_DOC_SCAN ? r->scan : r->verdict;
	if (!words)
		return MT_ERR_INVALID_ARG;
	v = realloc(*list, (*n + 1) * sizeof(*v));
	if (!v)
		return MT_ERR_NOMEM;
	*list = v;
	mti_buf_init(&b);
	err = fill_words(&b, words, args);
	if (err) {
		mti_buf_free(&b);
		return err;
	}
	s = &v[*n];
	s->id = mti_strdup(r->id);
	s->detail = mti_buf_steal(&b);
	s->points = r->points;
	if (!s->id || !s->detail) {
		free(s->id);
		free(s->detail);
		return MT_ERR_NOMEM;
	}
	(*n)++;
	return MT_OK;
}

void mti_signals_free(struct mt_signal *list, size_t n)
{
	size_t i;

	for (i = 0; list && i < n; i++) {
		free(list[i].id);
		free(list[i].detail);
	}
	free(list);
}

bool mti_is_runtime_shim_name(const char *name)
{
	static const char *const exact[] = {"conmon", "runc", "crun", "youki", "runsc"};
	static const char *const prefix[] = {"containerd-shim", "docker-containerd-shim", "runc:[",
	                                     "containerd-shim-"};
	size_t i;

	if (!name)
		return false;
	for (i = 0; i < MTI_ARRAY_LEN(exact); i++)
		if (strcmp(name, exact[i]) == 0)
			return true;
	for (i = 0; i < MTI_ARRAY_LEN(prefix); i++)
		if (mti_str_starts(name, prefix[i]))
			return true;
	return false;
}

bool mti_is_runtime_memfd(const char *memfd_name, const char *comm)
{
	/* runc re-executes itself from a sealed memfd; only runc's own process
	 * (named runc...) may carry that name without suspicion. */
	return memfd_name && comm && mti_str_starts(memfd_name, "runc_cloned") &&
	       mti_str_starts(comm, "runc");
}

bool mti_is_scratch_path(const char *path)
{
	return mti_str_starts(path, "/tmp/") || mti_str_starts(path, "/var/tmp/") ||
	       mti_str_starts(path, "/dev/shm/");
}

bool mti_rule_fileless(const struct mt_exe *e)
{
	return e->memfd && !e->runtime_memfd;
}

bool mti_rule_exe_deleted(const struct mt_exe *e)
{
	return e->deleted && !e->memfd;
}

bool mti_rule_scratch_dir(const struct mt_exe *e)
{
	return e->path && !e->memfd && mti_is_scratch_path(e->path);
}

bool mti_rule_writable_layer(const struct mt_trace *t)
{
	return t->origin.kind == MT_ORIGIN_WRITABLE_LAYER;
}

bool mti_rule_entered_from_outside(const struct mt_trace *t)
{
	return t->entry.kind == MT_ENTRY_RUNTIME_EXEC || t->entry.kind == MT_ENTRY_DOCKER_EXEC ||
	       t->entry.kind == MT_ENTRY_SETNS;
}

bool mti_rule_dangerous_cap(const char *cap)
{
	return strcmp(cap, "SYS_ADMIN") == 0 || strcmp(cap, "CAP_SYS_ADMIN") == 0 ||
	       strcmp(cap, "ALL") == 0;
}

char *mti_mount_risk(const struct mt_mount *m)
{
	static const char *const sockets[] = {"docker.sock", "containerd.sock", "podman.sock",
	                                      "crio.sock", "dockershim.sock"};
	static const char *const host_dirs[] = {"/",    "/etc",  "/proc",           "/sys",
	                                        "/dev", "/root", "/var/lib/docker", "/var/run",
	                                        "/run", "/boot"};
	const char *base;
	size_t i;

	if (!m->source)
		return NULL;
	base = strrchr(m->source, '/');
	base = base ? base + 1 : m->source;
	for (i = 0; i < MTI_ARRAY_LEN(sockets); i++)
		if (strcmp(base, sockets[i]) == 0)
			return mti_asprintf(
			    "the engine socket %s is mounted at %s: whoever runs in "
			    "the container controls the engine and the host",
			    m->source, m->destination ? m->destination : "?");
	if (m->type && strcmp(m->type, "bind") != 0)
		return NULL;
	for (i = 0; i < MTI_ARRAY_LEN(host_dirs); i++)
		if (strcmp(m->source, host_dirs[i]) == 0)
			return mti_asprintf("the host's %s is mounted %s at %s: a way out of the "
			                    "container",
			                    m->source, m->rw ? "read-write" : "read-only",
			                    m->destination ? m->destination : "?");
	return NULL;
}

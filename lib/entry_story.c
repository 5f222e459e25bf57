/* How the attacker got in, in plain words, from the model alone.
 *
 * The telling pattern of an exploited application is its process starting a
 * shell or a downloader: java, node, python, php-fpm or nginx have no reason
 * to run sh or curl, a remote code execution does exactly that. A shell
 * that is the image's own entrypoint (or started by another shell) is not
 * that pattern, nor is a shell started by a job runner (cron, supervisord).
 */
#include "entry_story.h"

#include <stdlib.h>
#include <string.h>

#include "trace_model.h"
#include "util.h"

/* Shells and downloaders: what an exploit starts first. */
static const char *const shells[] = {"sh",   "bash", "dash", "ash",     "zsh",  "ksh",
                                     "mksh", "tcsh", "csh",  "busybox", "curl", "wget",
                                     "tftp", "nc",   "ncat", "socat"};
/* Interpreters, a shell only when given code on the command line. */
static const struct {
	const char *name;
	const char *flag;
} one_liners[] = {
    {"perl", "-e"}, {"perl", "-E"}, {"python", "-c"}, {"python2", "-c"},  {"python3", "-c"},
    {"ruby", "-e"}, {"php", "-r"},  {"node", "-e"},   {"node", "--eval"}, {"lua", "-e"},
};
/* Job runners and supervisors: a shell below them is their normal work. */
static const char *const launchers[] = {
    "cron",         "crond", "anacron", "atd",   "supervisord", "tini", "docker-init", "dumb-init",
    "s6-supervise", "runsv", "sshd",    "login", "su",          "sudo", "systemd"};

static bool in_list(const char *name, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; name && i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

/* The names a process goes by: its comm, argv[0] and exe file name. */
static bool named(const struct mt_process *p, const char *const *list, size_t n)
{
	return in_list(p->comm, list, n) ||
	       (p->argc && in_list(mti_base_name(p->argv[0]), list, n)) ||
	       (p->exe.path && in_list(mti_base_name(p->exe.path), list, n));
}

static bool one_liner(const struct mt_process *p)
{
	size_t i, a;

	for (i = 0; i < MTI_ARRAY_LEN(one_liners); i++) {
		const char *name = one_liners[i].name;

		if (!named(p, &name, 1))
			continue;
		for (a = 1; a < p->argc; a++)
			if (strcmp(p->argv[a], one_liners[i].flag) == 0)
				return true;
	}
	return false;
}

bool mti_is_shell_or_downloader(const struct mt_process *p)
{
	return named(p, shells, MTI_ARRAY_LEN(shells)) || one_liner(p);
}

static const char *label(const struct mt_engine_container *ec, const char *key)
{
	size_t i;

	for (i = 0; i < ec->n_labels; i++)
		if (ec->labels[i].key && strcmp(ec->labels[i].key, key) == 0 &&
		    ec->labels[i].value && *ec->labels[i].value)
			return ec->labels[i].value;
	return NULL;
}

/* The tag of "registry:5000/team/app:1.2@sha256:..." ("1.2"), or NULL. */
static char *reference_tag(const char *ref)
{
	const char *at, *slash, *colon;
	size_t end;

	if (!ref)
		return NULL;
	at = strchr(ref, '@');
	end = at ? (size_t)(at - ref) : strlen(ref);
	slash = ref;
	for (colon = ref; colon < ref + end; colon++)
		if (*colon == '/')
			slash = colon + 1;
	colon = memchr(slash, ':', end - (size_t)(slash - ref));
	if (!colon || colon + 1 >= ref + end)
		return NULL;
	return mti_strndup(colon + 1, end - (size_t)(colon + 1 - ref));
}

enum mt_err mti_image_version(const struct mt_engine_container *ec, char **version, char **from)
{
	static const char *const keys[] = {"org.opencontainers.image.version",
	                                   "org.label-schema.version", "version"};
	const char *v = NULL;
	size_t i;

	*version = *from = NULL;
	if (!ec)
		return MT_OK;
	for (i = 0; !v && i < MTI_ARRAY_LEN(keys); i++) {
		v = label(ec, keys[i]);
		if (v) {
			*version = mti_strdup(v);
			*from = mti_asprintf("label %s", keys[i]);
		}
	}
	if (!v) {
		*version = reference_tag(ec->image_ref);
		if (!*version)
			return MT_OK;
		*from = mti_strdup("tag");
	}
	if (!*version || !*from) {
		free(*version);
		free(*from);
		*version = *from = NULL;
		return MT_ERR_NOMEM;
	}
	return MT_OK;
}

/* True when p runs the image's own entrypoint: the engine's Path. */
static bool runs_entrypoint(const struct mt_process *p, const struct mt_engine_container *ec)
{
	const char *path = ec ? mti_base_name(ec->path) : NULL;

	return path && *path &&
	       ((p->argc && strcmp(mti_base_name(p->argv[0]), path) == 0) ||
	        (p->exe.path && strcmp(mti_base_name(p->exe.path), path) == 0));
}

/* Finds, from the init down to the target, the first shell or downloader
 * whose parent is neither one nor a job runner, and that is not the image's
 * own entrypoint started by the init. */
static bool find_spawn(const struct mt_trace *t, const struct mt_engine_container *ec, int *app,
                       int *shell)
{
	int i;

	for (i = t->entry.init_index - 1; i >= 0; i--) {
		const struct mt_process *p = &t->chain[i], *parent = &t->chain[i + 1];

		if (!mti_is_shell_or_downloader(p))
			continue;
		if (mti_is_shell_or_downloader(parent))
			return false; /* a shell under a shell: the first one decides */
		if (named(parent, launchers, MTI_ARRAY_LEN(launchers)))
			return false;
		if (i + 1 == t->entry.init_index && runs_entrypoint(p, ec) &&
		    !runs_entrypoint(parent, ec))
			return false; /* the init wrapper started the image's own shell */
		*app = i + 1;
		*shell = i;
		return true;
	}
	return false;
}

/* "sh -c 'x'": the words of argv joined by spaces. */
static char *join(const char *first, char *const *v, size_t n)
{
	struct mti_buf b;
	size_t i;

	mti_buf_init(&b);
	if (first && mti_buf_puts(&b, first))
		goto fail;
	for (i = 0; i < n; i++)
		if ((b.len && mti_buf_putc(&b, ' ')) || mti_buf_puts(&b, v[i]))
			goto fail;
	return mti_buf_steal(&b);
fail:
	mti_buf_free(&b);
	return NULL;
}

/* The engine time of exec session id: its start, else its creation. */
static int64_t exec_time(const struct mt_engine_container *ec, const char *id)
{
	int64_t created = -1;
	size_t i;

	for (i = 0; id && ec->have_events && i < ec->n_events; i++) {
		const struct mt_event *e = &ec->events[i];

		if (!e->exec_id || strcmp(e->exec_id, id) != 0 || !e->action)
			continue;
		if (strcmp(e->action, "exec_start") == 0)
			return e->time_ns;
		if (strcmp(e->action, "exec_create") == 0)
			created = e->time_ns;
	}
	return created;
}

static enum mt_err story_exec(struct mt_entry_story *st, const struct mt_engine_container *ec,
                              const struct mt_exec_session *x, bool containerd)
{
	char when[40] = "";

	st->kind = MT_STORY_EXEC;
	st->exec_id = mti_strdup(x->id);
	st->exec_user = mti_strdup(x->user && *x->user ? x->user : NULL);
	st->exec_command = join(x->entrypoint, x->args, x->n_args);
	st->exec_time_ns = exec_time(ec, x->id);
	if ((x->id && !st->exec_id) || (x->user && *x->user && !st->exec_user) || !st->exec_command)
		return MT_ERR_NOMEM;
	if (st->exec_time_ns > 0)
		mti_format_utc_ms(st->exec_time_ns / 1000000, when, sizeof(when));
	if (containerd)
		st->text = mti_asprintf(
		    "someone with access to containerd ran an exec in the container (ctr tasks "
		    "exec, or crictl or kubectl exec through the CRI): exec process %.64s%s%s; who "
		    "holds access to containerd's socket (or the orchestrator) is the question",
		    x->id ? x->id : "?", *when ? ", at " : "", when);
	else
		st->text = mti_asprintf(
		    "someone with access to the container engine ran docker exec: session %.12s, "
		    "as %s%s%s, command \"%s\"%s%s; who holds access to the engine socket (or the "
		    "orchestrator) is the question",
		    x->id ? x->id : "?", st->exec_user ? "user \"" : "the container's default user",
		    st->exec_user ? st->exec_user : "", st->exec_user ? "\"" : "", st->exec_command,
		    *when ? ", at " : "", when);
	return st->text ? MT_OK : MT_ERR_NOMEM;
}

/* ", image metabase/metabase:v0.46.6 (version v0.46.6 from the tag)" */
static enum mt_err image_words(const struct mt_entry_story *st, struct mti_buf *b)
{
	if (!st->image_ref)
		return mti_buf_puts(b, "the image (not known without the engine)");
	if (st->image_version)
		return mti_buf_printf(b, "image %s, version %s (%s)", st->image_ref,
		                      st->image_version, st->image_version_from);
	return mti_buf_printf(b, "image %s (no version label or tag)", st->image_ref);
}

static enum mt_err story_app(struct mt_entry_story *st, const struct mt_trace *t)
{
	const struct mt_process *app = &t->chain[st->app_index];
	const struct mt_process *sh = &t->chain[st->shell_index];
	struct mti_buf b;
	enum mt_err err;

	st->kind = MT_STORY_APP_SPAWNED_SHELL;
	mti_buf_init(&b);
	err = mti_buf_printf(&b,
	                     "the application spawned a shell: %s (PID %d%s) started %s (PID %d), "
	                     "typical of remote code execution in the application; check ",
	                     app->comm ? app->comm : "?", (int)app->pid,
	                     st->app_index == t->entry.init_index ? ", the container's init" : "",
	                     sh->comm ? sh->comm : "?", (int)sh->pid);
	if (!err)
		err = image_words(st, &b);
	if (!err)
		err = mti_buf_puts(&b, " for known vulnerabilities");
	if (err) {
		mti_buf_free(&b);
		return err;
	}
	st->text = mti_buf_steal(&b);
	return st->text ? MT_OK : MT_ERR_NOMEM;
}

static enum mt_err story_unwanted(struct mt_entry_story *st)
{
	struct mti_buf b;
	enum mt_err err;

	st->kind = MT_STORY_UNWANTED_IMAGE;
	mti_buf_init(&b);
	err = mti_buf_puts(&b, "an unwanted image: the entrypoint of ");
	if (!err)
		err = image_words(st, &b);
	if (!err)
		err = mti_buf_puts(&b, " is the miner itself; who ran this image, and from where, "
		                       "is the question");
	if (err) {
		mti_buf_free(&b);
		return err;
	}
	st->text = mti_buf_steal(&b);
	return st->text ? MT_OK : MT_ERR_NOMEM;
}

enum mt_err mti_entry_story_build(struct mt_trace *t)
{
	struct mt_entry_story *st = &t->postmortem.story;
	const struct mt_engine_container *ec = NULL;
	enum mt_err err;
	int tc;

	mti_entry_story_clear(st);
	if (!t->chain_len)
		return MT_OK;
	tc = t->chain[0].container_index;
	if (tc >= 0)
		ec = t->containers[tc].engine;
	if (ec && ec->image_ref) {
		st->image_ref = mti_strdup(ec->image_ref);
		if (!st->image_ref)
			return MT_ERR_NOMEM;
	}
	err = mti_image_version(ec, &st->image_version, &st->image_version_from);
	if (err)
		return err;
	switch (t->entry.kind) {
	case MT_ENTRY_HOST:
		st->kind = MT_STORY_HOST;
		st->text = mti_strdup("a host process: it did not get in through a container");
		return st->text ? MT_OK : MT_ERR_NOMEM;
	case MT_ENTRY_DOCKER_EXEC:
		if (ec && t->entry.exec_index >= 0)
			return story_exec(st, ec, &ec->execs[t->entry.exec_index], false);
		break;
	case MT_ENTRY_RUNTIME_EXEC:
		if (ec && t->entry.exec_index >= 0)
			return story_exec(st, ec, &ec->execs[t->entry.exec_index], true);
		st->kind = MT_STORY_EXEC;
		st->text = mti_asprintf("entered from outside the container through the runtime "
		                        "(docker exec, kubectl exec), no exec session named by the "
		                        "engine: %s",
		                        t->entry.detail ? t->entry.detail : "?");
		return st->text ? MT_OK : MT_ERR_NOMEM;
	case MT_ENTRY_SETNS:
		st->kind = MT_STORY_SETNS;
		st->text = mti_asprintf("a process on the host joined the container's namespaces: "
		                        "the attacker was on the host already (%s)",
		                        t->entry.detail ? t->entry.detail : "?");
		return st->text ? MT_OK : MT_ERR_NOMEM;
	case MT_ENTRY_CONTAINER_INIT:
		if (t->verdict.classification == MT_CLASS_UNWANTED_IMAGE)
			return story_unwanted(st);
		break;
	case MT_ENTRY_INIT_TREE:
		if (find_spawn(t, ec, &st->app_index, &st->shell_index))
			return story_app(st, t);
		st->kind = MT_STORY_INIT_TREE;
		st->text = mti_asprintf("started by the container's own processes with no "
		                        "application spawning a shell on the way (%s)",
		                        t->entry.detail ? t->entry.detail : "?");
		return st->text ? MT_OK : MT_ERR_NOMEM;
	default:
		break;
	}
	st->text = mti_asprintf("not decided: %s", t->entry.detail ? t->entry.detail : "?");
	return st->text ? MT_OK : MT_ERR_NOMEM;
}

/* The post-mortem: the facts of the trace told as a story. */
#include "postmortem.h"

#include <stdlib.h>

#include "entry_story.h"
#include "timeline.h"
#include "trace_model.h"
#include "trusted.h"
#include "util.h"

/* Where the binary came from, in words. */
static const char *origin_words(enum mt_origin_kind k)
{
	switch (k) {
	case MT_ORIGIN_WRITABLE_LAYER:
		return "dropped into the container's writable layer after the image was built";
	case MT_ORIGIN_IMAGE_LAYER:
		return "shipped in the image";
	case MT_ORIGIN_MOUNT:
		return "on a mount inside the container";
	case MT_ORIGIN_MEMFD:
		return "fileless (run from memory)";
	case MT_ORIGIN_HOST:
		return "a file of the host";
	default:
		return "of unknown origin";
	}
}

/* The sentence about the target's binary and its times. */
static enum mt_err binary_words(const struct mt_trace *t, struct mti_buf *b)
{
	const struct mt_process *p = &t->chain[0];
	const struct mt_file_times *ft = &t->postmortem.timeline.exe;
	int64_t start = mti_timeline_start_ns(t, p);
	char w[40], s[40];
	enum mt_err err;

	err = mti_buf_printf(b, " The binary %s", p->exe.path ? p->exe.path : "(unknown)");
	if (!err && p->exe.sha256[0])
		err = mti_buf_printf(b, " (SHA-256 %s)", p->exe.sha256);
	if (!err)
		err = mti_buf_printf(b, " is %s", origin_words(t->origin.kind));
	if (!err && p->exe.deleted && !p->exe.memfd)
		err = mti_buf_puts(b, " and was deleted after it started");
	if (!err && ft->known && start >= 0)
		err = mti_buf_printf(b,
		                     "; it was last written at %s (a file time, which its writer "
		                     "can set) and started at %s",
		                     mti_format_utc_ms(ft->mtime_ns / 1000000, w, sizeof(w)),
		                     mti_format_utc_ms(start / 1000000, s, sizeof(s)));
	if (!err)
		err = mti_buf_putc(b, '.');
	return err;
}

/* The persistence files' times in the timeline. */
static enum mt_err add_persistence_times(struct mt_trace *t)
{
	const struct mt_persistence *ps = &t->postmortem.persistence;
	enum mt_err err = MT_OK;
	size_t i;

	for (i = 0; !err && i < ps->n_items; i++)
		err = mti_timeline_add(&t->postmortem.timeline, ps->items[i].mtime_ns,
		                       MT_TIME_PERSISTENCE_MODIFIED, MT_CLOCK_FILE, true, 0,
		                       "%s %s %s last written",
		                       ps->items[i].on_host ? "host" : "container",
		                       mt_persist_kind_name(ps->items[i].kind), ps->items[i].path);
	return err;
}

/* " It left behind: cron /var/spool/cron/crontabs/root, ..." */
static enum mt_err persistence_words(const struct mt_persistence *ps, struct mti_buf *b)
{
	enum mt_err err = MT_OK;
	size_t i;

	if (!ps->n_items)
		return ps->checked_container
		           ? mti_buf_puts(b, " No persistence file was found in the "
		                             "container's writable layer.")
		           : MT_OK;
	err = mti_buf_puts(b, " Left behind to come back:");
	for (i = 0; !err && i < ps->n_items; i++)
		err = mti_buf_printf(b, "%s %s %s (%s)", i ? "," : "",
		                     mt_persist_kind_name(ps->items[i].kind), ps->items[i].path,
		                     ps->items[i].on_host ? "on the host" : "in the container");
	return err ? err : mti_buf_putc(b, '.');
}

/* " It is connected to 127.0.0.1:3333, a mining pool port." */
static enum mt_err network_words(const struct mt_target_net *net, struct mti_buf *b)
{
	enum mt_err err = MT_OK;
	size_t i, pools = 0, listens = 0;

	for (i = 0; !err && i < net->n_conns; i++) {
		const struct mt_net_conn *c = &net->conns[i];

		if (c->pool_port)
			err = mti_buf_printf(b, "%s %s:%u", pools++ ? "," : " It is connected to",
			                     c->remote, c->remote_port);
	}
	if (!err && pools)
		err = mti_buf_printf(b,
		                     ", %s of the miner signatures (to block at the firewall and "
		                     "report to the pool operator).",
		                     pools == 1 ? "a mining pool port" : "mining pool ports");
	for (i = 0; !err && i < net->n_conns; i++) {
		const struct mt_net_conn *c = &net->conns[i];

		if (c->listening)
			err = mti_buf_printf(b, "%s %s:%u", listens++ ? "," : " It listens on",
			                     c->local, c->local_port);
	}
	if (!err && listens)
		err = mti_buf_putc(b, '.');
	return err;
}

/* " The same miner runs in 3 more containers (5 processes)." */
static enum mt_err spread_words(const struct mt_spread *sp, struct mti_buf *b)
{
	if (!sp->n_procs)
		return sp->checked ? mti_buf_puts(b, " No other process of the host runs the same "
		                                     "binary.")
		                   : MT_OK;
	if (sp->n_other_containers)
		return mti_buf_printf(b,
		                      " The same miner runs in %zu more container%s (%zu more "
		                      "process%s of the host run the same binary).",
		                      sp->n_other_containers,
		                      sp->n_other_containers == 1 ? "" : "s", sp->n_procs,
		                      sp->n_procs == 1 ? "" : "es");
	return mti_buf_printf(b, " The same binary runs in %zu more process%s of the host.",
	                      sp->n_procs, sp->n_procs == 1 ? "" : "es");
}

/* " Its own configuration names the pool ... and the wallet ...": the first
 * value of each, where the rest of the list is in the details. */
static enum mt_err miner_config_words(const struct mt_miner_config *mc, struct mti_buf *b)
{
	static const struct {
		enum mt_miner_setting setting;
		const char *words;
	} said[] = {{MT_MINER_POOL, "the pool"},
	            {MT_MINER_USER, "the wallet (user)"},
	            {MT_MINER_RIG_ID, "the worker"}};
	enum mt_err err = MT_OK;
	size_t i, k, n = 0;

	for (k = 0; !err && k < MTI_ARRAY_LEN(said); k++)
		for (i = 0; i < mc->n_values; i++)
			if (mc->values[i].setting == said[k].setting) {
				err = mti_buf_printf(b, "%s %s %s",
				                     n++ ? "," : " Its own configuration names",
				                     said[k].words, mc->values[i].value);
				break;
			}
	return !err && n ? mti_buf_putc(b, '.') : err;
}

/* One paragraph: where it runs, how it got in, the binary, the registry. */
static enum mt_err what_happened(struct mt_trace *t)
{
	const struct mt_process *p = &t->chain[0];
	const struct mt_engine_container *ec = NULL;
	struct mt_postmortem *pm = &t->postmortem;
	char shortid[16];
	struct mti_buf b;
	enum mt_err err;

	mti_buf_init(&b);
	err = mti_buf_printf(&b, "PID %d (%s)", (int)p->pid, p->comm ? p->comm : "?");
	if (!err && p->container_index >= 0) {
		const struct mt_container *c = &t->containers[p->container_index];

		ec = c->engine;
		err = mti_buf_printf(&b, " ran in container %s",
		                     mt_short_id(c->id, shortid, sizeof(shortid)));
		if (!err && ec && ec->name)
			err = mti_buf_printf(&b, " (%s)", ec->name);
		if (!err && ec && ec->image_ref)
			err = mti_buf_printf(&b, " of image %s", ec->image_ref);
	} else if (!err) {
		err = mti_buf_puts(&b, " ran outside any container");
	}
	if (!err)
		err = mti_buf_printf(&b, ". How it got in: %s.",
		                     pm->story.text ? pm->story.text : "?");
	if (!err)
		err = binary_words(t, &b);
	if (!err)
		err = network_words(&pm->network, &b);
	if (!err)
		err = miner_config_words(&pm->miner_config, &b);
	if (!err)
		err = persistence_words(&pm->persistence, &b);
	if (!err)
		err = spread_words(&pm->spread, &b);
	if (!err && pm->spread.same_image.text)
		err = mti_buf_printf(&b, " %s.", pm->spread.same_image.text);
	if (!err && pm->registry.checked && !pm->registry.trusted)
		err = mti_buf_printf(&b, " %s.", pm->registry.text);
	if (err) {
		mti_buf_free(&b);
		return err;
	}
	free(pm->what_happened);
	pm->what_happened = mti_buf_steal(&b);
	return pm->what_happened ? MT_OK : MT_ERR_NOMEM;
}

enum mt_err mti_postmortem_build(struct mt_trace *t, const char *const *trusted, size_t n_trusted)
{
	enum mt_err err;

	if (!t->chain_len)
		return MT_OK;
	err = add_persistence_times(t);
	if (!err)
		err = mti_timeline_build(t);
	if (!err)
		err = mti_entry_story_build(t);
	if (!err)
		err = mti_registry_check(t, trusted, n_trusted);
	if (!err)
		err = what_happened(t);
	return err;
}

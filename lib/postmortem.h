/* The post-mortem: the timeline, how it got in, the registry check, and a
 * paragraph that tells what happened from them. */
#ifndef MTI_POSTMORTEM_H
#define MTI_POSTMORTEM_H

#include <minertrace/minertrace.h>

/* Builds t->postmortem from the classified model (timeline.c,
 * entry_story.c, trusted.c) and writes what_happened. Pure. Returns MT_OK
 * or MT_ERR_NOMEM. */
enum mt_err mti_postmortem_build(struct mt_trace *t, const char *const *trusted, size_t n_trusted);

#endif

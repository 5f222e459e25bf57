/* minertrace report: one view across the scan and trace documents of many
 * hosts (as saved by an Ansible or Kubernetes fleet run).
 *
 * Every document comes from a host that may be compromised, so it is read
 * like an engine reply: sizes and counts capped, every field checked for
 * its type and range, strings kept as bytes for the renderers to escape.
 * A document speaks for one host only, the one it was saved for: what it
 * says about other hosts (a nested trace with another host name or boot ID)
 * is never counted for them, and two documents naming the same host are
 * both kept, none replacing the other. Part of minertrace.h.
 */
#ifndef MINERTRACE_FLEET_H
#define MINERTRACE_FLEET_H

#include <stdint.h>
#include <stdio.h>

#include <minertrace/model.h>

#ifdef __cplusplus
extern "C" {
#endif

struct mt_render_options;

#define MT_FLEET_SCHEMA "minertrace-fleet/1"
/* A host the fleet run could not scan, written by the playbook. */
#define MT_HOST_FAILURE_SCHEMA "minertrace-host-failure/1"

/* Caps on what a fleet report reads. */
#define MT_FLEET_MAX_FILE_BYTES (64u * 1024u * 1024u) /* one file */
#define MT_FLEET_MAX_DOCUMENTS 100000u                /* documents in all */
#define MT_FLEET_MAX_FINDINGS 1000u                   /* findings kept per document */
#define MT_FLEET_MAX_STRING 4096u                     /* longer strings are cut */
/* A time up to this far ahead of the reader's clock is skew, not a lie. */
#define MT_FLEET_CLOCK_SKEW_MS (5 * 60 * 1000)

struct mt_fleet_options {
	int64_t now_ms;        /* the reader's clock; 0 = now */
	size_t max_file_bytes; /* 0 = MT_FLEET_MAX_FILE_BYTES */
	size_t max_documents;  /* 0 = MT_FLEET_MAX_DOCUMENTS */
};

void mt_fleet_options_init(struct mt_fleet_options *o);

enum mt_host_state {
	MT_HOST_CLEAN = 0,  /* scanned, nothing found */
	MT_HOST_SUSPICIOUS, /* at least one finding */
	MT_HOST_FAILED,     /* no usable document: a failure record or an invalid one */
};

/* One document, one host. */
struct mt_fleet_host {
	char *name;       /* the host name the document claims (NULL: none) */
	char *source;     /* file it came from, "#N" when a file holds several */
	const char *kind; /* "scan", "trace", "failure", "invalid" (static) */
	enum mt_host_state state;
	int64_t collected_ms; /* -1: absent, malformed or in the future */
	char *boot_id;
	char *failure; /* why it failed (MT_HOST_FAILED), else NULL */
	size_t n_findings;
	int top_score; /* highest finding score, -1 when none has a score */
};

struct mt_fleet_finding {
	size_t host; /* index into hosts */
	int score;   /* 0..100, -1 for a trace document (no score) */
	pid_t pid;
	char *comm;
	char *exe_path;
	bool exe_deleted;
	char *sha256;         /* 64 lower-case hex digits, or NULL */
	char *container;      /* short container ID, or NULL on the host */
	char *image_ref;      /* image as run */
	char *image_id;       /* "sha256:" + 64 hex, or NULL */
	char *image_digest;   /* first registry digest, or NULL */
	char *classification; /* the trace's verdict, or NULL */
	char **signals;       /* signal ids */
	size_t n_signals;
	int64_t started_ms; /* the process's start, -1 unknown or not credible */
};

/* Findings that share an image (key: its ID, else its reference) or an
 * executable (key: its SHA-256). */
struct mt_fleet_group {
	char *key;
	char *label;  /* image: the reference; binary: a path */
	char *detail; /* image: the registry digest; binary: NULL */
	size_t n_hosts;
	size_t n_findings;
	size_t n_images; /* binary: distinct images it ran in */
	size_t n_labels; /* distinct references (image) or paths (binary) */
	bool deleted;    /* binary: deleted after start on some host */
	int top_score;
	int64_t first_seen_ms; /* earliest credible start, else collection; -1 */
	size_t first_host;     /* index into hosts of that first sighting */
};

struct mt_fleet {
	int64_t generated_ms;
	size_t n_documents;
	size_t n_clean, n_suspicious, n_failed;
	struct mt_fleet_host *hosts; /* in the order read */
	size_t n_hosts;
	struct mt_fleet_finding *findings; /* ranked: score, then host, then PID */
	size_t n_findings;
	struct mt_fleet_group *images; /* most hosts first */
	size_t n_images;
	struct mt_fleet_group *binaries; /* most hosts first */
	size_t n_binaries;
	struct mt_warning *warnings; /* subject: the source of the document */
	size_t n_warnings;
};

/* A fleet being read: create, add documents, finish. */
struct mt_fleet_reader;

/* Returns a new reader (NULL without memory); o may be NULL. */
struct mt_fleet_reader *mt_fleet_reader_new(const struct mt_fleet_options *o);

/* Adds a file or every regular *.json file directly inside a directory
 * (sorted by name). A file may hold several documents one after the other
 * (kubectl logs of many pods). Symbolic links, FIFOs and devices are not
 * opened. A path that cannot be read becomes a warning. Returns MT_OK or
 * MT_ERR_NOMEM; a file or directory that cannot be read is
 * MT_ERR_NOT_FOUND or MT_ERR_PERMISSION, with a warning too. */
enum mt_err mt_fleet_add_path(struct mt_fleet_reader *r, const char *path);

/* Adds the documents in data[0..len) read from source (a name shown in
 * the report). Returns MT_OK or MT_ERR_NOMEM; what is wrong with the
 * documents becomes failed hosts and warnings. */
enum mt_err mt_fleet_add_buffer(struct mt_fleet_reader *r, const char *source, const char *data,
                                size_t len);

/* Ranks the findings, groups them and returns the report in *out (free
 * with mt_fleet_free); frees r in every case. MT_OK or MT_ERR_NOMEM. */
enum mt_err mt_fleet_finish(struct mt_fleet_reader *r, struct mt_fleet **out);

/* Releases a reader that was not finished; NULL is allowed. */
void mt_fleet_reader_free(struct mt_fleet_reader *r);

void mt_fleet_free(struct mt_fleet *fleet);

const char *mt_host_state_name(enum mt_host_state state);

/* Renderers: MT_OK, MT_ERR_IO when writing failed, MT_ERR_NOMEM. */
enum mt_err mt_render_fleet_text(const struct mt_fleet *fleet, const struct mt_render_options *ro,
                                 FILE *out);
enum mt_err mt_render_fleet_json(const struct mt_fleet *fleet, const struct mt_render_options *ro,
                                 FILE *out);
enum mt_err mt_render_fleet_markdown(const struct mt_fleet *fleet,
                                     const struct mt_render_options *ro, FILE *out);

#ifdef __cplusplus
}
#endif

#endif

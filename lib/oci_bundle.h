/* A containerd task's OCI bundle (config.json), read-only, when no runtime
 * API answers: pod name, namespace and UID, container and image names
 * (containerd's io.kubernetes.cri.* annotations), the process arguments and
 * the root. Everything in it is hostile: bounded, validated, never opened
 * through a link. */
#ifndef MTI_OCI_BUNDLE_H
#define MTI_OCI_BUNDLE_H

#include <stddef.h>

#include <minertrace/minertrace.h>

#include "procfs.h"

/* At most this much config.json is read, this many args kept. */
#define MTI_BUNDLE_CAP (1024u * 1024u)
#define MTI_BUNDLE_MAX_ARGS 256

/* Pure: parses config.json into out (zeroed first; free with
 * mti_oci_bundle_clear in trace_model.h). Strings of the wrong type are ignored, over-long
 * names dropped. MT_ERR_PARSE when it is not a JSON object, MT_ERR_NOMEM. */
enum mt_err mti_oci_bundle_parse(const char *json, size_t len, struct mt_oci_bundle *out);

/* Reads the bundle of every container whose shim is known (c->task): the
 * shim's working directory is its task's bundle, a pod container's is its
 * sibling (the shim serves the pod's sandbox), else
 * /run/containerd/io.containerd.runtime.v2.task/<namespace>/<id>. Live
 * /proc only. Problems become warnings in t; MT_ERR_NOMEM or MT_OK. */
enum mt_err mti_oci_bundle_read_all(const struct mti_procfs *pfs, struct mt_trace *t);

#endif

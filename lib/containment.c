/* Containment commands per runtime and orchestrator (see containment.h). */
#include "containment.h"

#include <string.h>

#include "trace_model.h"

static void cmd(struct mti_command *c, const char *w0, const char *w1, const char *w2,
                const char *w3, const char *w4, const char *w5)
{
	const char *w[] = {w0, w1, w2, w3, w4, w5};
	size_t i;

	c->n = 0;
	for (i = 0; i < sizeof(w) / sizeof(w[0]) && w[i]; i++)
		c->words[c->n++] = w[i];
}

static const char *task_namespace(const struct mt_container *c)
{
	return c->task && c->task->namespace ? c->task->namespace : "default";
}

/* A CRI container: a Kubernetes pod's, on containerd or CRI-O. */
static bool is_cri(const struct mt_container *c)
{
	return c->runtime == MT_RUNTIME_CRIO || c->pod_uid || (c->task && c->task->cri);
}

size_t mti_containment_stop(const struct mt_container *c, char *shortid, size_t shortid_size,
                            struct mti_command out[MTI_CMD_MAX])
{
	const char *sid = mt_short_id(c->id, shortid, shortid_size);
	const char *who = c->engine && c->engine->name ? c->engine->name : sid;

	if ((c->runtime == MT_RUNTIME_CONTAINERD || c->runtime == MT_RUNTIME_UNKNOWN) && is_cri(c)) {
		cmd(&out[0], "crictl", "stop", sid, NULL, NULL, NULL);
		cmd(&out[1], "crictl", "rm", sid, NULL, NULL, NULL);
		return 2;
	}
	switch (c->runtime) {
	case MT_RUNTIME_CRIO:
		cmd(&out[0], "crictl", "stop", sid, NULL, NULL, NULL);
		cmd(&out[1], "crictl", "rm", sid, NULL, NULL, NULL);
		return 2;
	case MT_RUNTIME_CONTAINERD:
		/* native containerd: the ID is the user's own name */
		cmd(&out[0], "ctr", "-n", task_namespace(c), "task", "kill", "-s");
		out[0].words[out[0].n++] = "KILL";
		out[0].words[out[0].n++] = c->id;
		cmd(&out[1], "ctr", "-n", task_namespace(c), "task", "rm", c->id);
		cmd(&out[2], "ctr", "-n", task_namespace(c), "container", "rm", c->id);
		return 3;
	case MT_RUNTIME_LXC:
		cmd(&out[0], "lxc-stop", "-n", c->id, NULL, NULL, NULL);
		cmd(&out[1], "lxc-destroy", "-n", c->id, NULL, NULL, NULL);
		return 2;
	case MT_RUNTIME_NSPAWN:
		cmd(&out[0], "machinectl", "terminate", c->id, NULL, NULL, NULL);
		return 1;
	case MT_RUNTIME_PODMAN:
		cmd(&out[0], "podman", "stop", who, NULL, NULL, NULL);
		cmd(&out[1], "podman", "rm", who, NULL, NULL, NULL);
		return 2;
	case MT_RUNTIME_DOCKER:
		cmd(&out[0], "docker", "stop", who, NULL, NULL, NULL);
		cmd(&out[1], "docker", "rm", who, NULL, NULL, NULL);
		return 2;
	default:
		return 0;
	}
}

bool mti_containment_rmi(const struct mt_container *c, struct mti_command *out)
{
	const char *image = c->engine && c->engine->image_id ? c->engine->image_id : mti_image_name(c);

	if (!image)
		return false;
	if (is_cri(c) && c->runtime != MT_RUNTIME_DOCKER && c->runtime != MT_RUNTIME_PODMAN) {
		cmd(out, "crictl", "rmi", image, NULL, NULL, NULL);
		return true;
	}
	switch (c->runtime) {
	case MT_RUNTIME_CONTAINERD:
		cmd(out, "ctr", "-n", task_namespace(c), "images", "rm", image);
		return true;
	case MT_RUNTIME_PODMAN:
		cmd(out, "podman", "rmi", image, NULL, NULL, NULL);
		return true;
	case MT_RUNTIME_DOCKER:
		cmd(out, "docker", "rmi", image, NULL, NULL, NULL);
		return true;
	default:
		return false;
	}
}

const char *mti_containment_exec_words(const struct mt_container *c)
{
	if (is_cri(c) && c->runtime != MT_RUNTIME_DOCKER)
		return "kubectl exec";
	switch (c->runtime) {
	case MT_RUNTIME_CONTAINERD:
		return "ctr tasks exec";
	case MT_RUNTIME_PODMAN:
		return "podman exec";
	case MT_RUNTIME_DOCKER:
		return "docker exec";
	default:
		return "the runtime's exec";
	}
}

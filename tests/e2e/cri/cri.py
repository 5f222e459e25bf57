#!/usr/bin/python3
"""A small CRI client for the end-to-end tests: starts pods the way the
kubelet does (cgroupfs driver, host network, cgroup parent
/kubepods/besteffort/pod<uid>) through containerd's real CRI plugin.

usage: cri.py [--address SOCK] [--modules DIR] COMMAND ...
  version
  run-pod NAME NAMESPACE UID                      prints the sandbox ID
  create POD_ID NAME NAMESPACE UID CTR IMAGE [ARG...]  prints the container ID
  start CONTAINER_ID
  exec-sync CONTAINER_ID TIMEOUT CMD [ARG...]     waits for the command
  exec CONTAINER_ID CMD [ARG...]                  prints the streaming URL
  remove-pod POD_ID                               stops and removes one pod
  remove-all                                      stops and removes every pod
The socket and the generated modules default to $CONTAINERD_ADDRESS and
$MT_CRI_PY (containerd.sh writes both to its env file).
"""
import argparse
import os
import sys


def pod_config(pb, name, namespace, uid):
    """The PodSandboxConfig the kubelet would send for a best-effort pod
    with host networking (no CNI): an empty hostname, network NODE."""
    labels = {"io.kubernetes.pod.name": name, "io.kubernetes.pod.namespace": namespace,
              "io.kubernetes.pod.uid": uid}
    return pb.PodSandboxConfig(
        metadata=pb.PodSandboxMetadata(name=name, uid=uid, namespace=namespace, attempt=0),
        hostname="",
        labels=labels,
        annotations={"kubernetes.io/config.source": "api"},
        linux=pb.LinuxPodSandboxConfig(
            cgroup_parent="/kubepods/besteffort/pod" + uid,
            security_context=pb.LinuxSandboxSecurityContext(
                namespace_options=pb.NamespaceOption(network=pb.NODE, pid=pb.CONTAINER,
                                                     ipc=pb.POD))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--address", default=os.environ.get("CONTAINERD_ADDRESS"))
    ap.add_argument("--modules", default=os.environ.get("MT_CRI_PY"))
    ap.add_argument("command")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    if not a.address or not a.modules:
        sys.exit("cri.py: no socket or no generated modules (source the containerd env)")
    sys.path.insert(0, a.modules)
    import grpc  # pylint: disable=import-outside-toplevel
    import cri_test_pb2 as pb  # pylint: disable=import-outside-toplevel
    import cri_test_pb2_grpc as pbg  # pylint: disable=import-outside-toplevel

    channel = grpc.insecure_channel("unix://" + a.address)
    rt = pbg.RuntimeServiceStub(channel)
    cmd, args = a.command, a.args
    if cmd == "version":
        r = rt.Version(pb.VersionRequest(version="v1"), timeout=30)
        print(r.runtime_name, r.runtime_version, r.runtime_api_version)
    elif cmd == "run-pod":
        name, namespace, uid = args
        r = rt.RunPodSandbox(pb.RunPodSandboxRequest(config=pod_config(pb, name, namespace, uid)),
                             timeout=120)
        print(r.pod_sandbox_id)
    elif cmd == "create":
        pod_id, name, namespace, uid, ctr, image = args[:6]
        config = pb.ContainerConfig(
            metadata=pb.ContainerMetadata(name=ctr, attempt=0),
            image=pb.ImageSpec(image=image),
            args=args[6:],
            labels={"io.kubernetes.container.name": ctr, "io.kubernetes.pod.name": name,
                    "io.kubernetes.pod.namespace": namespace, "io.kubernetes.pod.uid": uid},
            linux=pb.LinuxContainerConfig(security_context=pb.LinuxContainerSecurityContext(
                namespace_options=pb.NamespaceOption(network=pb.NODE, pid=pb.CONTAINER,
                                                     ipc=pb.POD))))
        r = rt.CreateContainer(pb.CreateContainerRequest(
            pod_sandbox_id=pod_id, config=config,
            sandbox_config=pod_config(pb, name, namespace, uid)), timeout=120)
        print(r.container_id)
    elif cmd == "start":
        rt.StartContainer(pb.StartContainerRequest(container_id=args[0]), timeout=120)
    elif cmd == "exec-sync":
        cid, limit = args[0], int(args[1])
        r = rt.ExecSync(pb.ExecSyncRequest(container_id=cid, cmd=args[2:], timeout=limit),
                        timeout=limit + 30)
        sys.stdout.buffer.write(r.stdout)
        sys.exit(r.exit_code)
    elif cmd == "exec":
        r = rt.Exec(pb.ExecRequest(container_id=args[0], cmd=args[1:], stdout=True, stderr=True),
                    timeout=30)
        print(r.url)
    elif cmd in ("remove-pod", "remove-all"):
        ids = args if cmd == "remove-pod" else \
            [sb.id for sb in rt.ListPodSandbox(pb.ListPodSandboxRequest(), timeout=30).items]
        for pod_id in ids:
            rt.StopPodSandbox(pb.StopPodSandboxRequest(pod_sandbox_id=pod_id), timeout=60)
            rt.RemovePodSandbox(pb.RemovePodSandboxRequest(pod_sandbox_id=pod_id), timeout=60)
    else:
        sys.exit("cri.py: unknown command " + cmd)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""A fake gRPC runtime on a unix socket, for the fault tests of the
containerd and CRI clients.

Usage: fake-grpc.py SOCKET MODE MODULES

MODULES is a directory where lib/proto/cri.proto was compiled with
grpc_tools (cri_pb2.py). Every method of every service answers, as MODE
says:

  crio        ContainerStatus and PodSandboxStatus shaped like CRI-O's
              (its verbose info: sandboxID, pid (4242, or $MT_FAKE_CRIO_PID),
              privileged, runtimeSpec)
  hang        accepts the call and never answers
  slow        answers the crio reply after 3 seconds
  huge        a message of 8 MiB
  malformed   a message that is not protobuf
  denied      grpc-status PERMISSION_DENIED with a percent-encoded message
  http1       not gRPC: a plain socket answering HTTP/1.1 400 to anything
  silent      a plain socket that accepts and never reads or writes

Only this socket is used. Prints "ready" when it listens.
"""
import json
import os
import socket
import sys
import threading
import time

SOCK, MODE, MODULES = sys.argv[1:4]
CID = "c" * 64
POD = "d" * 64


def plain(mode):
    """The non-gRPC modes: a bare unix socket."""
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(SOCK)
    srv.listen(16)
    print("ready", flush=True)
    held = []
    while True:
        conn, _ = srv.accept()
        if mode == "silent":
            held.append(conn)
            continue
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\n"
                     b"Connection: close\r\n\r\nbad request")
        conn.close()


def crio_reply(pb, method, request):
    """A CRI-O-shaped reply for the CRI methods the clients call."""
    if method.endswith("/ContainerStatus"):
        req = pb.ContainerStatusRequest.FromString(request)
        info = {"sandboxID": POD, "pid": int(os.environ.get("MT_FAKE_CRIO_PID", "4242")),
                "privileged": True,
                "runtimeSpec": {"ociVersion": "1.0.2-dev", "process": {"args": ["/pause"]}}}
        return pb.ContainerStatusResponse(
            status=pb.ContainerStatus(
                id=req.container_id, metadata=pb.ContainerMetadata(name="api", attempt=2),
                state=pb.CONTAINER_RUNNING, created_at=1700000000000000000,
                started_at=1700000001000000000,
                image=pb.ImageSpec(image="quay.io/acme/web:1.4"),
                image_ref="quay.io/acme/web@sha256:" + "a" * 64,
                labels={"io.kubernetes.pod.name": "web-0",
                        "io.kubernetes.pod.namespace": "prod"},
                annotations={"io.kubernetes.container.restartCount": "2"}),
            info={"info": json.dumps(info)}).SerializeToString()
    if method.endswith("/PodSandboxStatus"):
        req = pb.PodSandboxStatusRequest.FromString(request)
        return pb.PodSandboxStatusResponse(
            status=pb.PodSandboxStatus(
                id=req.pod_sandbox_id,
                metadata=pb.PodSandboxMetadata(name="web-0", uid="u-1", namespace="prod",
                                               attempt=1),
                state=pb.SANDBOX_READY, created_at=1700000000000000000,
                labels={"app": "web"}, runtime_handler="runc"),
            info={"info": json.dumps({"pid": 4100, "image": "registry.k8s.io/pause:3.9"})}
        ).SerializeToString()
    if method.endswith("/Version"):
        return pb.VersionResponse(version="0.1.0", runtime_name="cri-o",
                                  runtime_version="1.28.1",
                                  runtime_api_version="v1").SerializeToString()
    return b""


def main():
    if MODE in ("http1", "silent"):
        plain(MODE)
        return
    sys.path.insert(0, MODULES)
    from concurrent import futures  # pylint: disable=import-outside-toplevel
    import grpc  # pylint: disable=import-outside-toplevel
    import cri_pb2 as pb  # pylint: disable=import-outside-toplevel

    class Handler(grpc.GenericRpcHandler):
        def service(self, details):
            method = details.method

            def unary(request, context):
                if MODE == "hang":
                    time.sleep(3600)
                if MODE == "slow":
                    time.sleep(3)
                if MODE == "huge":
                    return b"\x0a" + b"\xff" * (8 << 20)
                if MODE == "malformed":
                    return b"\x0a\xff\xff\xff\xff\x0f"
                if MODE == "denied":
                    context.abort(grpc.StatusCode.PERMISSION_DENIED, "no way: root only")
                return crio_reply(pb, method, request)
            return grpc.unary_unary_rpc_method_handler(unary)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4),
                         options=[("grpc.max_send_message_length", 16 << 20)])
    server.add_generic_rpc_handlers((Handler(),))
    server.add_insecure_port("unix://" + SOCK)
    server.start()
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Writes a one-layer OCI image archive that `ctr images import` and
`podman load` accept, built from a directory (nothing is pulled).

usage: oci-image.py ROOTFS NAME OUT.tar [--entrypoint JSON] [--cmd JSON]
NAME is the full reference (docker.io/xmrig/xmrig:6.21.0). The archive is
reproducible: fixed times, owners and order.
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import tarfile


def layer_tar(rootfs):
    """The rootfs as an uncompressed tar, entries sorted, root-owned, mtime 0."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for dirpath, dirnames, filenames in os.walk(rootfs):
            dirnames.sort()
            for name in sorted(dirnames) + sorted(filenames):
                path = os.path.join(dirpath, name)
                info = tar.gettarinfo(path, os.path.relpath(path, rootfs))
                info.uid = info.gid = 0
                info.uname = info.gname = "root"
                info.mtime = 0
                if info.isfile():
                    with open(path, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)
    return buf.getvalue()


def blob(out, data, media_type):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    info = tarfile.TarInfo("blobs/sha256/" + digest[7:])
    info.size = len(data)
    out.addfile(info, io.BytesIO(data))
    return {"mediaType": media_type, "digest": digest, "size": len(data)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rootfs")
    ap.add_argument("name")
    ap.add_argument("out")
    ap.add_argument("--entrypoint", default="null")
    ap.add_argument("--cmd", default="null")
    a = ap.parse_args()

    raw = layer_tar(a.rootfs)
    gz = gzip.compress(raw, mtime=0)
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "2024-01-01T00:00:00Z",
        "config": {"Entrypoint": json.loads(a.entrypoint), "Cmd": json.loads(a.cmd),
                   "Env": ["PATH=/usr/local/bin:/usr/bin:/bin"]},
        "rootfs": {"type": "layers",
                   "diff_ids": ["sha256:" + hashlib.sha256(raw).hexdigest()]},
        "history": [{"created": "2024-01-01T00:00:00Z", "created_by": "oci-image.py"}],
    }
    with tarfile.open(a.out, "w") as out:
        layer = blob(out, gz, "application/vnd.oci.image.layer.v1.tar+gzip")
        cfg = blob(out, json.dumps(config, sort_keys=True).encode(),
                   "application/vnd.oci.image.config.v1+json")
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": cfg, "layers": [layer]}
        man = blob(out, json.dumps(manifest, sort_keys=True).encode(),
                   "application/vnd.oci.image.manifest.v1+json")
        tag = a.name.rsplit(":", 1)[1] if ":" in a.name.rsplit("/", 1)[-1] else "latest"
        man["annotations"] = {"io.containerd.image.name": a.name,
                              "org.opencontainers.image.ref.name": tag}
        man["platform"] = {"architecture": "amd64", "os": "linux"}
        for name, data in (("oci-layout", {"imageLayoutVersion": "1.0.0"}),
                           ("index.json", {"schemaVersion": 2, "manifests": [man]})):
            body = json.dumps(data, sort_keys=True).encode()
            info = tarfile.TarInfo(name)
            info.size = len(body)
            out.addfile(info, io.BytesIO(body))


if __name__ == "__main__":
    main()

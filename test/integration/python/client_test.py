#!/usr/bin/python3
"""The official Python client against a ckube API server: CRUD, list paging
and watch. Usage: client_test.py KUBECONFIG. Exits non-zero on any failure,
printing what failed."""
import sys

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException


def main(kubeconfig):
    config.load_kube_config(config_file=kubeconfig)
    v1 = client.CoreV1Api()
    ns = "default"

    # CRUD
    cm = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-one", labels={"from": "py"}),
                            data={"k": "v"})
    created = v1.create_namespaced_config_map(ns, cm)
    assert created.metadata.uid, "no uid"
    got = v1.read_namespaced_config_map("py-one", ns)
    assert got.data == {"k": "v"}, got.data
    got.data["k"] = "w"
    replaced = v1.replace_namespaced_config_map("py-one", ns, got)
    assert replaced.data["k"] == "w"
    patched = v1.patch_namespaced_config_map("py-one", ns, {"data": {"p": "1"}})
    assert patched.data == {"k": "w", "p": "1"}, patched.data
    try:
        v1.create_namespaced_config_map(ns, cm)
        raise AssertionError("duplicate create succeeded")
    except ApiException as e:
        assert e.status == 409, e.status
    v1.delete_namespaced_config_map("py-one", ns)
    try:
        v1.read_namespaced_config_map("py-one", ns)
        raise AssertionError("read after delete succeeded")
    except ApiException as e:
        assert e.status == 404, e.status

    # Paging: 12 objects in pages of 5, each exactly once.
    for i in range(12):
        v1.create_namespaced_config_map(ns, client.V1ConfigMap(
            metadata=client.V1ObjectMeta(name="py-page-%02d" % i, labels={"page": "yes"})))
    seen, token, pages = [], None, 0
    while True:
        page = v1.list_namespaced_config_map(ns, label_selector="page=yes", limit=5,
                                             _continue=token)
        seen += [i.metadata.name for i in page.items]
        pages += 1
        token = page.metadata._continue
        if not token:
            break
    assert pages == 3, pages
    assert sorted(seen) == ["py-page-%02d" % i for i in range(12)], seen

    # Watch: from the list's resourceVersion, see a new object and its deletion.
    rv = v1.list_namespaced_config_map(ns).metadata.resource_version
    v1.create_namespaced_config_map(ns, client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name="py-watched")))
    v1.delete_namespaced_config_map("py-watched", ns)
    events = []
    w = watch.Watch()
    for ev in w.stream(v1.list_namespaced_config_map, ns, resource_version=rv,
                       timeout_seconds=2):
        events.append((ev["type"], ev["object"].metadata.name))
        if len(events) == 2:
            w.stop()
    assert events == [("ADDED", "py-watched"), ("DELETED", "py-watched")], events

    # Namespaces are cluster-scoped.
    names = [n.metadata.name for n in v1.list_namespace().items]
    assert "kube-system" in names, names
    print("python client: ok")


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except Exception as e:  # one line saying what failed
        print("python client: FAILED: %r" % (e,))
        sys.exit(1)

#!/usr/bin/python3
"""The official Python client on apps/v1: CRUD on a Deployment, its scale
subresource (read and patch), and its status. Usage: apps_test.py KUBECONFIG.
Exits non-zero on any failure, printing what failed."""
import sys

from kubernetes import client, config
from kubernetes.client.rest import ApiException


def main(kubeconfig):
    config.load_kube_config(config_file=kubeconfig)
    apps = client.AppsV1Api()
    ns = "default"
    labels = {"app": "py-web"}
    dep = client.V1Deployment(
        metadata=client.V1ObjectMeta(name="py-web"),
        spec=client.V1DeploymentSpec(
            selector=client.V1LabelSelector(match_labels=labels),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels=labels),
                spec=client.V1PodSpec(containers=[
                    client.V1Container(name="web", image="nginx:1.25")]))))
    created = apps.create_namespaced_deployment(ns, dep)
    assert created.spec.replicas == 1, created.spec.replicas
    assert created.spec.strategy.rolling_update.max_surge == "25%", created.spec.strategy
    assert created.spec.revision_history_limit == 10

    got = apps.read_namespaced_deployment("py-web", ns)
    got.spec.template.spec.containers[0].image = "nginx:1.26"
    replaced = apps.replace_namespaced_deployment("py-web", ns, got)
    assert replaced.metadata.generation == 2, replaced.metadata.generation
    patched = apps.patch_namespaced_deployment("py-web", ns,
                                               {"metadata": {"labels": {"tier": "web"}}})
    assert patched.metadata.labels == {"tier": "web"}, patched.metadata.labels

    scale = apps.read_namespaced_deployment_scale("py-web", ns)
    assert scale.spec.replicas == 1, scale.spec
    assert scale.status.selector == "app=py-web", scale.status
    scale = apps.patch_namespaced_deployment_scale("py-web", ns, {"spec": {"replicas": 3}})
    assert scale.spec.replicas == 3, scale.spec
    scale.spec.replicas = 4
    scale = apps.replace_namespaced_deployment_scale("py-web", ns, scale)
    assert scale.spec.replicas == 4, scale.spec
    assert apps.read_namespaced_deployment("py-web", ns).spec.replicas == 4

    status = apps.patch_namespaced_deployment_status(
        "py-web", ns, {"status": {"replicas": 4, "readyReplicas": 4, "availableReplicas": 4}})
    assert status.status.ready_replicas == 4, status.status

    try:
        apps.patch_namespaced_deployment_scale("py-web", ns, {"spec": {"replicas": -1}})
        raise AssertionError("negative scale accepted")
    except ApiException as e:
        assert e.status == 422, e.status

    names = [d.metadata.name for d in apps.list_namespaced_deployment(ns).items]
    assert "py-web" in names, names
    apps.delete_namespaced_deployment("py-web", ns)
    try:
        apps.read_namespaced_deployment("py-web", ns)
        raise AssertionError("read after delete succeeded")
    except ApiException as e:
        assert e.status == 404, e.status
    print("python apps: ok")


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except Exception as e:  # one line saying what failed
        print("python apps: FAILED: %r" % (e,))
        sys.exit(1)

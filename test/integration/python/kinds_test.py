#!/usr/bin/python3
"""The official Python client (Debian's python3-kubernetes) on every built-in
kind ckube serves, through its typed API classes and model objects so that
the client's deserialisation of each response into its models is exercised.

For each kind in the table (kinds()): create (and its defaults), create
again (409), read, list with a label selector, a patch (strategic merge: the
client sends one for a dict body), replace, the status subresource (patch,
read, replace) where the kind has one, the scale subresource (read, patch,
replace, a negative scale refused) where it has one, delete (its answer of
the type the client's API declares) and a watch from before the create that
sees ADDED, MODIFIED and DELETED. Then what is not per kind: list paging,
JSON patch, delete collection, read-only componentstatuses, bootstrapped
objects.

Usage: kinds_test.py KUBECONFIG [KIND...]. Prints one line per failure,
naming the kind and the call, and exits non-zero if there was any."""
import datetime
import json
import os
import re
import sys
import time

import urllib3

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

NS = "pyt"


class Failure(Exception):
    pass


def describe(e):
    """One line for what a call raised."""
    if isinstance(e, ApiException):
        body = e.body.decode() if isinstance(e.body, bytes) else (e.body or "")
        return "HTTP %s %s: %s" % (e.status, e.reason, body.strip()[:300])
    return "%s: %s" % (type(e).__name__, e)


def call(what, fn, *args, **kwargs):
    """fn(*args, **kwargs), a failure naming what on any error."""
    try:
        return fn(*args, **kwargs)
    except Failure:
        raise
    except Exception as e:  # the client's own errors say which field
        raise Failure("%s: %s" % (what, describe(e)))


def expect(what, cond, detail):
    if not cond:
        raise Failure("%s: %s" % (what, detail))


def holds(check, o):
    """check(o), False when it raises (a field it looks at is missing)."""
    try:
        return bool(check(o))
    except Exception:
        return False


def expect_status(what, want, fn, *args, **kwargs):
    """fn must fail with HTTP status want."""
    try:
        fn(*args, **kwargs)
    except ApiException as e:
        expect(what, e.status == want, "want HTTP %d, got %s" % (want, describe(e)))
        return
    raise Failure("%s: want HTTP %d, the call succeeded" % (what, want))


def short(o):
    """An object as compact JSON, cut to what fits in a line."""
    text = json.dumps(client.ApiClient().sanitize_for_serialization(o), sort_keys=True)
    return text if len(text) < 400 else text[:400] + "..."


def meta(name, labels=None):
    return client.V1ObjectMeta(name=name, labels=labels)


def pod_template(labels, restart_policy=None):
    return client.V1PodTemplateSpec(
        metadata=client.V1ObjectMeta(labels=labels),
        spec=client.V1PodSpec(restart_policy=restart_policy, containers=[
            client.V1Container(name="c", image="busybox:1.36")]))


def selector(labels):
    return client.V1LabelSelector(match_labels=labels)


class V2ApiClient(client.ApiClient):
    """This client release (22.x) predates autoscaling/v2: its v2beta2
    models (the same schema) stand in, but they require status fields that
    v2 made optional (conditions, currentReplicas), which upstream's servers
    leave out as well. Only those two are filled in before deserialising."""

    def deserialize(self, response, response_type):
        data = json.loads(response.data)
        for obj in data.get("items", [data]) if isinstance(data, dict) else []:
            status = obj.get("status") if isinstance(obj, dict) else None
            if isinstance(status, dict):
                status.setdefault("conditions", [])
                status.setdefault("currentReplicas", 0)
        return self._ApiClient__deserialize(data, response_type)


class V2HPAApi:
    """autoscaling/v2 HPAs through V2ApiClient, with the method names of the
    generated API classes."""

    PATH = "/apis/autoscaling/v2/namespaces/{namespace}/horizontalpodautoscalers"
    MODEL = "V2beta2HorizontalPodAutoscaler"

    def __init__(self, api_client):
        self.api_client = api_client

    def _call(self, method, path, body=None, response_type=MODEL, query=None,
              content_type="application/json", **kw):
        return self.api_client.call_api(
            path, method, query_params=query or [],
            header_params={"Accept": "application/json", "Content-Type": content_type},
            body=body, response_type=response_type, auth_settings=["BearerToken"],
            _return_http_data_only=True, _preload_content=kw.get("_preload_content", True),
            _request_timeout=kw.get("_request_timeout"))

    def _one(self, name, namespace, sub=""):
        return self.PATH.format(namespace=namespace) + "/" + name + sub

    def create_namespaced_horizontal_pod_autoscaler(self, namespace, body):
        return self._call("POST", self.PATH.format(namespace=namespace), body)

    def read_namespaced_horizontal_pod_autoscaler(self, name, namespace, sub=""):
        return self._call("GET", self._one(name, namespace, sub))

    def read_namespaced_horizontal_pod_autoscaler_status(self, name, namespace):
        return self.read_namespaced_horizontal_pod_autoscaler(name, namespace, "/status")

    def list_namespaced_horizontal_pod_autoscaler(self, namespace, **kw):
        """Lists, or watches with watch=True.

        :return: V2beta2HorizontalPodAutoscalerList
        """
        query = [(k, v) for k, v in kw.items()
                 if k in ("label_selector", "resource_version", "timeout_seconds", "watch")]
        query = [(re.sub("_(.)", lambda m: m.group(1).upper(), k),
                  str(v).lower() if isinstance(v, bool) else v) for k, v in query]
        return self._call("GET", self.PATH.format(namespace=namespace),
                          response_type=self.MODEL + "List", query=query, **kw)

    def patch_namespaced_horizontal_pod_autoscaler(self, name, namespace, body, sub=""):
        return self._call("PATCH", self._one(name, namespace, sub), body,
                          content_type="application/strategic-merge-patch+json")

    def patch_namespaced_horizontal_pod_autoscaler_status(self, name, namespace, body):
        return self.patch_namespaced_horizontal_pod_autoscaler(name, namespace, body, "/status")

    def replace_namespaced_horizontal_pod_autoscaler(self, name, namespace, body, sub=""):
        return self._call("PUT", self._one(name, namespace, sub), body)

    def replace_namespaced_horizontal_pod_autoscaler_status(self, name, namespace, body):
        return self.replace_namespaced_horizontal_pod_autoscaler(name, namespace, body, "/status")

    def delete_namespaced_horizontal_pod_autoscaler(self, name, namespace):
        return self._call("DELETE", self._one(name, namespace), response_type="V1Status")


class Kind:
    """One row: how to make the object and what each step sends and checks.

    api, res: the typed API object and the resource's name in its methods
    (create_namespaced_<res>, read_<res>_status, ...).
    new(name, labels): the model object to create.
    created(obj): checks on the created object (defaults).
    patch, patched(obj): a strategic merge patch body and what must follow
    (after the patch and after the replace that follows it).
    replaced(obj): what else must follow the replace (an annotation added).
    status, status_ok(obj): a status patch body and what must follow (None:
    the kind has no status subresource).
    scale: the kind has a scale subresource.
    deleted: "gone" (404 after delete) or "terminating" (a finalizer keeps
    the object, with deletionTimestamp set).
    """

    def __init__(self, name, api, res, new, namespaced=True, created=None, patch=None,
                 patched=None, replaced=None, status=None, status_ok=None, scale=False,
                 deleted="gone"):
        self.name, self.api, self.res, self.new = name, api, res, new
        self.namespaced, self.created = namespaced, created
        self.scale, self.deleted = scale, deleted
        self.patch = patch or {"metadata": {"labels": {"patched": "yes"}}}
        self.patched = patched or (lambda o: o.metadata.labels.get("patched") == "yes")
        self.replaced = replaced
        self.status, self.status_ok = status, status_ok

    def method(self, verb, sub=""):
        scope = "namespaced_" if self.namespaced else ""
        return getattr(self.api, "%s_%s%s%s" % (verb, scope, self.res, sub))

    def args(self, name=None, body=None):
        """The positional arguments of a call: name, NS for namespaced kinds,
        body, each when there is one."""
        a = [] if name is None else [name]
        if self.namespaced:
            a.append(NS)
        return tuple(a if body is None else a + [body])


def kinds(apis):
    core, apps, batch = apis["core"], apis["apps"], apis["batch"]
    web = {"app": "py-web"}

    def deployment_defaults(d):
        return (d.spec.replicas == 1 and d.spec.strategy.rolling_update.max_surge == "25%"
                and d.spec.revision_history_limit == 10 and d.spec.progress_deadline_seconds == 600
                and d.metadata.generation == 1)

    template_patch = {"spec": {"template": {"spec": {"containers": [
        {"name": "c", "image": "busybox:1.37"}]}}}}

    def template_patched(o):
        cs = o.spec.template.spec.containers
        return len(cs) == 1 and cs[0].image == "busybox:1.37"

    k = [
        Kind("pods", core, "pod",
             lambda n, l: client.V1Pod(metadata=meta(n, l), spec=pod_template(web).spec),
             created=lambda o: (o.spec.restart_policy == "Always"
                                and o.spec.containers[0].termination_message_path
                                == "/dev/termination-log" and o.status.phase == "Pending"),
             patch={"spec": {"containers": [{"name": "c", "image": "busybox:1.37"}]}},
             patched=lambda o: len(o.spec.containers) == 1
             and o.spec.containers[0].image == "busybox:1.37",
             status={"status": {"message": "from python"}},
             status_ok=lambda o: o.status.message == "from python"),
        Kind("services", core, "service",
             lambda n, l: client.V1Service(metadata=meta(n, l), spec=client.V1ServiceSpec(
                 type="LoadBalancer", selector=web,
                 ports=[client.V1ServicePort(port=80, target_port=8080)])),
             created=lambda o: (o.spec.cluster_ip and o.spec.ports[0].node_port
                                and o.spec.ports[0].protocol == "TCP"
                                and o.spec.session_affinity == "None"),
             patch={"spec": {"ports": [{"port": 80, "name": "web"}]}},
             patched=lambda o: len(o.spec.ports) == 1 and o.spec.ports[0].name == "web"
             and o.spec.ports[0].target_port == 8080,
             status={"status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.10"}]}}},
             status_ok=lambda o: o.status.load_balancer.ingress[0].ip == "192.0.2.10"),
        Kind("endpoints", core, "endpoints",
             lambda n, l: client.V1Endpoints(metadata=meta(n, l), subsets=[
                 client.V1EndpointSubset(
                     addresses=[client.V1EndpointAddress(ip="10.244.1.5")],
                     ports=[client.CoreV1EndpointPort(port=80)])]),
             created=lambda o: o.subsets[0].ports[0].protocol == "TCP"),
        Kind("nodes", core, "node",
             lambda n, l: client.V1Node(metadata=meta(n, l),
                                        spec=client.V1NodeSpec(pod_cidr="10.244.9.0/24")),
             namespaced=False,
             patch={"spec": {"unschedulable": True}},
             patched=lambda o: o.spec.unschedulable is True,
             status={"status": {"capacity": {"cpu": "2", "pods": "110"}}},
             status_ok=lambda o: o.status.capacity == {"cpu": "2", "pods": "110"}),
        Kind("persistentvolumes", core, "persistent_volume",
             lambda n, l: client.V1PersistentVolume(
                 metadata=meta(n, l), spec=client.V1PersistentVolumeSpec(
                     capacity={"storage": "1Gi"}, access_modes=["ReadWriteOnce"],
                     host_path=client.V1HostPathVolumeSource(path="/tmp/py-pv"))),
             namespaced=False,
             created=lambda o: o.spec.persistent_volume_reclaim_policy == "Retain"
             and o.spec.volume_mode == "Filesystem",
             status={"status": {"phase": "Released"}},
             status_ok=lambda o: o.status.phase == "Released"),
        Kind("persistentvolumeclaims", core, "persistent_volume_claim",
             lambda n, l: client.V1PersistentVolumeClaim(
                 metadata=meta(n, l), spec=client.V1PersistentVolumeClaimSpec(
                     access_modes=["ReadWriteOnce"],
                     resources=client.V1ResourceRequirements(requests={"storage": "1Gi"}))),
             created=lambda o: o.spec.volume_mode == "Filesystem"
             and o.status.phase == "Pending",
             status={"status": {"phase": "Bound", "capacity": {"storage": "1Gi"},
                                "accessModes": ["ReadWriteOnce"]}},
             status_ok=lambda o: o.status.phase == "Bound"
             and o.status.capacity == {"storage": "1Gi"}),
        Kind("limitranges", core, "limit_range",
             lambda n, l: client.V1LimitRange(metadata=meta(n, l), spec=client.V1LimitRangeSpec(
                 limits=[client.V1LimitRangeItem(type="Container", default={"cpu": "500m"})])),
             created=lambda o: o.spec.limits[0].default_request == {"cpu": "500m"}),
        Kind("resourcequotas", core, "resource_quota",
             lambda n, l: client.V1ResourceQuota(metadata=meta(n, l),
                                                 spec=client.V1ResourceQuotaSpec(
                                                     hard={"pods": "10"})),
             status={"status": {"hard": {"pods": "10"}, "used": {"pods": "1"}}},
             status_ok=lambda o: o.status.used == {"pods": "1"}),
        Kind("replicationcontrollers", core, "replication_controller",
             lambda n, l: client.V1ReplicationController(
                 metadata=meta(n, l), spec=client.V1ReplicationControllerSpec(
                     selector=web, template=pod_template(web))),
             created=lambda o: o.spec.replicas == 1 and o.status.replicas == 0,
             patch=template_patch, patched=template_patched,
             status={"status": {"replicas": 1, "readyReplicas": 1}},
             status_ok=lambda o: o.status.ready_replicas == 1, scale=True),
        Kind("podtemplates", core, "pod_template",
             lambda n, l: client.V1PodTemplate(metadata=meta(n, l), template=pod_template(web)),
             created=lambda o: o.template.spec.dns_policy == "ClusterFirst"),
        Kind("configmaps", core, "config_map",
             lambda n, l: client.V1ConfigMap(metadata=meta(n, l), data={"k": "v"}),
             patch={"data": {"p": "1"}}, patched=lambda o: o.data == {"k": "v", "p": "1"}),
        Kind("secrets", core, "secret",
             lambda n, l: client.V1Secret(metadata=meta(n, l), string_data={"k": "v"}),
             created=lambda o: o.data == {"k": "dg=="} and o.type == "Opaque"),
        Kind("serviceaccounts", core, "service_account",
             lambda n, l: client.V1ServiceAccount(metadata=meta(n, l))),
        Kind("events", core, "event",
             lambda n, l: client.CoreV1Event(
                 metadata=meta(n, l), involved_object=client.V1ObjectReference(
                     kind="Pod", name="p", namespace=NS),
                 reason="Tested", message="from python", type="Normal")),
        Kind("namespaces", core, "namespace",
             lambda n, l: client.V1Namespace(metadata=meta(n, l)), namespaced=False,
             created=lambda o: o.status.phase == "Active"
             and o.spec.finalizers == ["kubernetes"],
             status={"status": {"conditions": [
                 {"type": "NamespaceContentRemaining", "status": "False"}]}},
             status_ok=lambda o: o.status.conditions[0].type == "NamespaceContentRemaining",
             deleted="terminating"),
        Kind("deployments", apps, "deployment",
             lambda n, l: client.V1Deployment(metadata=meta(n, l), spec=client.V1DeploymentSpec(
                 selector=selector(web), template=pod_template(web))),
             created=deployment_defaults, patch=template_patch,
             patched=lambda o: template_patched(o) and o.metadata.generation >= 2,
             # a template change and, as upstream, an annotation change
             replaced=lambda o: o.metadata.generation == 3,
             status={"status": {"replicas": 1, "readyReplicas": 1, "availableReplicas": 1,
                                "updatedReplicas": 1}},
             status_ok=lambda o: o.status.available_replicas == 1, scale=True),
        Kind("replicasets", apps, "replica_set",
             lambda n, l: client.V1ReplicaSet(metadata=meta(n, l), spec=client.V1ReplicaSetSpec(
                 selector=selector(web), template=pod_template(web))),
             created=lambda o: o.spec.replicas == 1 and o.status.replicas == 0,
             patch=template_patch, patched=template_patched,
             status={"status": {"replicas": 1, "readyReplicas": 1, "availableReplicas": 1,
                                "fullyLabeledReplicas": 1}},
             status_ok=lambda o: o.status.fully_labeled_replicas == 1, scale=True),
        Kind("statefulsets", apps, "stateful_set",
             lambda n, l: client.V1StatefulSet(metadata=meta(n, l), spec=client.V1StatefulSetSpec(
                 service_name="py-web", selector=selector(web), template=pod_template(web))),
             created=lambda o: (o.spec.replicas == 1 and o.spec.pod_management_policy
                                == "OrderedReady" and o.spec.update_strategy.type
                                == "RollingUpdate" and o.status.replicas == 0),
             patch=template_patch, patched=template_patched,
             status={"status": {"replicas": 1, "readyReplicas": 1, "currentReplicas": 1,
                                "updatedReplicas": 1, "availableReplicas": 1}},
             status_ok=lambda o: o.status.current_replicas == 1, scale=True),
        Kind("daemonsets", apps, "daemon_set",
             lambda n, l: client.V1DaemonSet(metadata=meta(n, l), spec=client.V1DaemonSetSpec(
                 selector=selector(web), template=pod_template(web))),
             created=lambda o: (o.spec.update_strategy.rolling_update.max_unavailable == 1
                                and o.status.desired_number_scheduled == 0),
             patch=template_patch, patched=template_patched,
             status={"status": {"currentNumberScheduled": 1, "desiredNumberScheduled": 1,
                                "numberReady": 1, "numberMisscheduled": 0}},
             status_ok=lambda o: o.status.number_ready == 1),
        Kind("controllerrevisions", apps, "controller_revision",
             lambda n, l: client.V1ControllerRevision(metadata=meta(n, l), revision=1,
                                                      data={"spec": {"replicas": 1}}),
             created=lambda o: o.revision == 1 and o.data == {"spec": {"replicas": 1}}),
        Kind("jobs", batch, "job",
             lambda n, l: client.V1Job(metadata=meta(n, l), spec=client.V1JobSpec(
                 template=pod_template({"job": "py"}, "Never"))),
             created=lambda o: (o.spec.backoff_limit == 6 and o.spec.completions == 1
                                and o.spec.selector.match_labels.get(
                                    "batch.kubernetes.io/controller-uid")),
             status={"status": {"active": 1}},
             status_ok=lambda o: o.status.active == 1),
        Kind("cronjobs", batch, "cron_job",
             lambda n, l: client.V1CronJob(metadata=meta(n, l), spec=client.V1CronJobSpec(
                 schedule="*/5 * * * *", job_template=client.V1JobTemplateSpec(
                     spec=client.V1JobSpec(template=pod_template({"job": "py"}, "Never"))))),
             created=lambda o: o.spec.concurrency_policy == "Allow" and o.spec.suspend is False,
             patch={"spec": {"schedule": "*/10 * * * *"}},
             patched=lambda o: o.spec.schedule == "*/10 * * * *",
             status={"status": {"lastScheduleTime": "2024-01-02T03:04:05Z"}},
             status_ok=lambda o: o.status.last_schedule_time == datetime.datetime(
                 2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)),
        Kind("horizontalpodautoscalers.v1", apis["autoscaling"], "horizontal_pod_autoscaler",
             lambda n, l: client.V1HorizontalPodAutoscaler(
                 metadata=meta(n, l), spec=client.V1HorizontalPodAutoscalerSpec(
                     max_replicas=5, scale_target_ref=client.V1CrossVersionObjectReference(
                         api_version="apps/v1", kind="Deployment", name="py-web"))),
             created=lambda o: o.spec.min_replicas == 1 and o.status.desired_replicas == 0,
             patch={"spec": {"maxReplicas": 7}}, patched=lambda o: o.spec.max_replicas == 7,
             status={"status": {"currentReplicas": 2, "desiredReplicas": 3}},
             status_ok=lambda o: o.status.desired_replicas == 3),
        Kind("horizontalpodautoscalers.v2", apis["autoscaling_v2"], "horizontal_pod_autoscaler",
             lambda n, l: client.V2beta2HorizontalPodAutoscaler(
                 metadata=meta(n, l), spec=client.V2beta2HorizontalPodAutoscalerSpec(
                     max_replicas=5,
                     scale_target_ref=client.V2beta2CrossVersionObjectReference(
                         api_version="apps/v1", kind="Deployment", name="py-web"),
                     metrics=[client.V2beta2MetricSpec(
                         type="Resource", resource=client.V2beta2ResourceMetricSource(
                             name="cpu", target=client.V2beta2MetricTarget(
                                 type="Utilization", average_utilization=70)))])),
             created=lambda o: o.spec.min_replicas == 1 and o.spec.behavior is None,
             patch={"spec": {"maxReplicas": 7}}, patched=lambda o: o.spec.max_replicas == 7,
             status={"status": {"currentReplicas": 2, "desiredReplicas": 3}},
             status_ok=lambda o: o.status.desired_replicas == 3),
        Kind("endpointslices", apis["discovery"], "endpoint_slice",
             lambda n, l: client.V1EndpointSlice(
                 metadata=meta(n, l), address_type="IPv4",
                 endpoints=[client.V1Endpoint(addresses=["10.244.1.5"])],
                 ports=[client.DiscoveryV1EndpointPort(port=80, name="http")]),
             created=lambda o: o.ports[0].protocol == "TCP"),
        Kind("ingresses", apis["networking"], "ingress",
             lambda n, l: client.V1Ingress(metadata=meta(n, l), spec=client.V1IngressSpec(
                 default_backend=client.V1IngressBackend(service=client.V1IngressServiceBackend(
                     name="py-web", port=client.V1ServiceBackendPort(number=80))))),
             status={"status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.20"}]}}},
             status_ok=lambda o: o.status.load_balancer.ingress[0].ip == "192.0.2.20"),
        Kind("ingressclasses", apis["networking"], "ingress_class",
             lambda n, l: client.V1IngressClass(metadata=meta(n, l), spec=client.V1IngressClassSpec(
                 controller="example.com/ingress")), namespaced=False),
        Kind("networkpolicies", apis["networking"], "network_policy",
             lambda n, l: client.V1NetworkPolicy(metadata=meta(n, l),
                                                 spec=client.V1NetworkPolicySpec(
                                                     pod_selector=selector(web))),
             created=lambda o: o.spec.policy_types == ["Ingress"]),
        Kind("poddisruptionbudgets", apis["policy"], "pod_disruption_budget",
             lambda n, l: client.V1PodDisruptionBudget(
                 metadata=meta(n, l), spec=client.V1PodDisruptionBudgetSpec(
                     min_available=1, selector=selector(web))),
             created=lambda o: o.status.expected_pods == 0,
             status={"status": {"currentHealthy": 1, "desiredHealthy": 1,
                                "disruptionsAllowed": 0, "expectedPods": 1}},
             status_ok=lambda o: o.status.expected_pods == 1),
        Kind("priorityclasses", apis["scheduling"], "priority_class",
             lambda n, l: client.V1PriorityClass(metadata=meta(n, l), value=1000),
             namespaced=False, created=lambda o: o.preemption_policy == "PreemptLowerPriority"),
        Kind("roles", apis["rbac"], "role",
             lambda n, l: client.V1Role(metadata=meta(n, l), rules=[client.V1PolicyRule(
                 api_groups=[""], resources=["pods"], verbs=["get"])])),
        Kind("rolebindings", apis["rbac"], "role_binding",
             lambda n, l: client.V1RoleBinding(
                 metadata=meta(n, l), role_ref=client.V1RoleRef(
                     api_group="rbac.authorization.k8s.io", kind="Role", name="py-roles"),
                 subjects=[client.V1Subject(kind="ServiceAccount", name="default",
                                            namespace=NS)])),
        Kind("clusterroles", apis["rbac"], "cluster_role",
             lambda n, l: client.V1ClusterRole(metadata=meta(n, l), rules=[client.V1PolicyRule(
                 api_groups=["apps"], resources=["deployments"], verbs=["list"])]),
             namespaced=False),
        Kind("clusterrolebindings", apis["rbac"], "cluster_role_binding",
             lambda n, l: client.V1ClusterRoleBinding(
                 metadata=meta(n, l), role_ref=client.V1RoleRef(
                     api_group="rbac.authorization.k8s.io", kind="ClusterRole",
                     name="py-clusterroles"),
                 subjects=[client.V1Subject(kind="User", name="py",
                                            api_group="rbac.authorization.k8s.io")]),
             namespaced=False),
        Kind("storageclasses", apis["storage"], "storage_class",
             lambda n, l: client.V1StorageClass(metadata=meta(n, l),
                                                provisioner="example.com/py"),
             namespaced=False,
             created=lambda o: o.reclaim_policy == "Delete"
             and o.volume_binding_mode == "Immediate"),
        Kind("customresourcedefinitions", apis["apiextensions"], "custom_resource_definition",
             lambda n, l: client.V1CustomResourceDefinition(
                 metadata=meta("widgets.py.example.com", l),
                 spec=client.V1CustomResourceDefinitionSpec(
                     group="py.example.com", scope="Namespaced",
                     names=client.V1CustomResourceDefinitionNames(
                         plural="widgets", singular="widget", kind="Widget"),
                     versions=[client.V1CustomResourceDefinitionVersion(
                         name="v1", served=True, storage=True,
                         schema=client.V1CustomResourceValidation(
                             open_apiv3_schema=client.V1JSONSchemaProps(
                                 type="object", properties={
                                     "spec": client.V1JSONSchemaProps(
                                         type="object", x_kubernetes_preserve_unknown_fields=True)
                                 })))])),
             namespaced=False,
             created=lambda o: o.spec.names.list_kind == "WidgetList",
             status={"status": {"acceptedNames": {"plural": "widgets", "kind": "Widget"},
                                "storedVersions": ["v1"]}},
             status_ok=lambda o: o.status.stored_versions == ["v1"]),
        Kind("leases", apis["coordination"], "lease",
             lambda n, l: client.V1Lease(metadata=meta(n, l), spec=client.V1LeaseSpec(
                 holder_identity="py", lease_duration_seconds=15)),
             patch={"spec": {"holderIdentity": "other"}},
             patched=lambda o: o.spec.holder_identity == "other"),
        Kind("events.events.k8s.io", apis["events"], "event",
             lambda n, l: client.EventsV1Event(
                 metadata=meta(n, l),
                 event_time=datetime.datetime.now(datetime.timezone.utc),
                 reporting_controller="example.com/py", reporting_instance="py-1",
                 action="Test", reason="Tested", type="Normal", note="from python",
                 regarding=client.V1ObjectReference(kind="Pod", name="p", namespace=NS))),
        Kind("mutatingwebhookconfigurations", apis["admission"],
             "mutating_webhook_configuration",
             lambda n, l: client.V1MutatingWebhookConfiguration(metadata=meta(n, l), webhooks=[
                 client.V1MutatingWebhook(
                     name="m.py.example.com", admission_review_versions=["v1"],
                     side_effects="None",
                     client_config=client.AdmissionregistrationV1WebhookClientConfig(
                         url="https://example.com/m"))]),
             namespaced=False,
             created=lambda o: (o.webhooks[0].failure_policy == "Fail"
                                and o.webhooks[0].reinvocation_policy == "Never"
                                and o.webhooks[0].timeout_seconds == 10),
             patch={"webhooks": [{"name": "m.py.example.com", "timeoutSeconds": 5}]},
             patched=lambda o: len(o.webhooks) == 1 and o.webhooks[0].timeout_seconds == 5),
        Kind("validatingwebhookconfigurations", apis["admission"],
             "validating_webhook_configuration",
             lambda n, l: client.V1ValidatingWebhookConfiguration(metadata=meta(n, l), webhooks=[
                 client.V1ValidatingWebhook(
                     name="v.py.example.com", admission_review_versions=["v1"],
                     side_effects="None",
                     client_config=client.AdmissionregistrationV1WebhookClientConfig(
                         url="https://example.com/v"))]),
             namespaced=False,
             created=lambda o: o.webhooks[0].match_policy == "Equivalent"),
    ]
    return k


def scale_steps(kind, name):
    """read, patch and replace of /scale, seen on the object."""
    what = kind.name + " scale"
    s = call(what + " read", kind.method("read", "_scale"), *kind.args(name))
    expect(what + " read", s.spec.replicas == 1 and s.status.selector == "app=py-web",
           "spec %s status %s" % (s.spec, s.status))
    s = call(what + " patch", kind.method("patch", "_scale"),
             *kind.args(name, {"spec": {"replicas": 3}}))
    expect(what + " patch", s.spec.replicas == 3, "replicas %s" % s.spec.replicas)
    s.spec.replicas = 2
    s = call(what + " replace", kind.method("replace", "_scale"), *kind.args(name, s))
    expect(what + " replace", s.spec.replicas == 2, "replicas %s" % s.spec.replicas)
    o = call(what + " read object", kind.method("read"), *kind.args(name))
    expect(what, o.spec.replicas == 2, "object's spec.replicas %s" % o.spec.replicas)
    expect_status(what + " patch replicas -1", 422, kind.method("patch", "_scale"),
                  *kind.args(name, {"spec": {"replicas": -1}}))


def status_steps(kind, name):
    what = kind.name + " status"
    o = call(what + " patch", kind.method("patch", "_status"), *kind.args(name, kind.status))
    expect(what + " patch", holds(kind.status_ok, o), "status %s" % short(o.status))
    o = call(what + " read", kind.method("read", "_status"), *kind.args(name))
    expect(what + " read", holds(kind.status_ok, o), "status %s" % short(o.status))
    o = call(what + " replace", kind.method("replace", "_status"), *kind.args(name, o))
    expect(what + " replace", holds(kind.status_ok, o), "status %s" % short(o.status))
    o = call(what + " read object", kind.method("read"), *kind.args(name))
    expect(what, holds(kind.status_ok, o), "not on the object: %s" % short(o.status))


def watched(kind, sel, rv, w=None):
    """The watch events for this kind's object since rv, up to DELETED."""
    w = w or watch.Watch()
    types = []
    stream = w.stream(kind.method("list"), *kind.args(), label_selector=sel,
                      resource_version=rv, timeout_seconds=5, _request_timeout=15)
    for ev in stream:
        types.append(ev["type"])
        if not hasattr(ev["object"], "metadata"):
            raise Failure("%s watch: event object not deserialised: %r"
                          % (kind.name, ev["raw_object"]))
        if ev["type"] == "DELETED" or (kind.deleted == "terminating"
                                       and ev["object"].metadata.deletion_timestamp):
            w.stop()
    return types


def run_kind(kind):
    """The whole sequence for one kind; raises Failure naming the call."""
    sel = "py-kind=" + kind.name.replace(".", "-")
    labels = {"py-kind": kind.name.replace(".", "-")}
    obj = kind.new("py-" + kind.name.split(".")[0], labels)
    name = obj.metadata.name
    rv = call(kind.name + " list (before)", kind.method("list"), *kind.args(),
              label_selector=sel).metadata.resource_version

    o = call(kind.name + " create", kind.method("create"), *kind.args(body=obj))
    expect(kind.name + " create", o.metadata.name == name and o.metadata.uid
           and o.metadata.resource_version
           and isinstance(o.metadata.creation_timestamp, datetime.datetime),
           "metadata %s" % short(o.metadata))
    if kind.created:
        expect(kind.name + " create", holds(kind.created, o), "defaults missing: %s" % short(o))
    expect_status(kind.name + " create again", 409, kind.method("create"),
                  *kind.args(body=kind.new(name, labels)))

    o = call(kind.name + " read", kind.method("read"), *kind.args(name))
    expect(kind.name + " read", o.metadata.name == name
           and labels.items() <= (o.metadata.labels or {}).items(),
           "metadata %s" % short(o.metadata))
    items = call(kind.name + " list", kind.method("list"), *kind.args(),
                 label_selector=sel).items
    expect(kind.name + " list", [i.metadata.name for i in items] == [name],
           "label selector %s gave %s" % (sel, [i.metadata.name for i in items]))

    o = call(kind.name + " patch", kind.method("patch"), *kind.args(name, kind.patch))
    expect(kind.name + " patch", holds(kind.patched, o), "not applied: %s" % short(o))

    o = call(kind.name + " read", kind.method("read"), *kind.args(name))
    rv_before = o.metadata.resource_version
    o.metadata.annotations = dict(o.metadata.annotations or {}, replaced="yes")
    o = call(kind.name + " replace", kind.method("replace"), *kind.args(name, o))
    expect(kind.name + " replace", o.metadata.annotations.get("replaced") == "yes"
           and o.metadata.resource_version != rv_before, "metadata %s" % short(o.metadata))
    expect(kind.name + " replace", holds(kind.patched, o), "lost the patch: %s" % short(o))
    if kind.replaced:
        expect(kind.name + " replace", holds(kind.replaced, o), "got %s" % short(o))

    if kind.status:
        status_steps(kind, name)
    if kind.scale:
        scale_steps(kind, name)

    d = call(kind.name + " delete", kind.method("delete"), *kind.args(name))
    if isinstance(d, client.V1Status) and d.kind == "Status":
        expect(kind.name + " delete", d.status == "Success" and d.details.name == name,
               "status %s" % short(d))
    else:  # the deleted object, as the client's API says for this kind
        expect(kind.name + " delete", d.kind != "Status" and (
            isinstance(d, client.V1Status) or d.metadata.name == name), "answer %s" % short(d))
    if kind.deleted == "gone":
        expect_status(kind.name + " read after delete", 404, kind.method("read"),
                      *kind.args(name))
    else:
        o = call(kind.name + " read after delete", kind.method("read"), *kind.args(name))
        expect(kind.name + " delete", o.metadata.deletion_timestamp is not None,
               "no deletionTimestamp")

    w = watch.Watch()
    if isinstance(kind.api, V2HPAApi):
        w._api_client = kind.api.api_client
    types = call(kind.name + " watch", watched, kind, sel, rv, w)
    last = "DELETED" if kind.deleted == "gone" else "MODIFIED"
    expect(kind.name + " watch", types[:1] == ["ADDED"] and types[-1:] == [last]
           and "MODIFIED" in types, "events %s" % types)


def other_checks(apis):
    """What is not per kind: paging, JSON patch, read-only and bootstrapped
    objects."""
    core = apis["core"]
    for i in range(12):
        call("configmaps create (paging)", core.create_namespaced_config_map, NS,
             client.V1ConfigMap(metadata=meta("py-page-%02d" % i, {"page": "yes"})))
    seen, token, pages = [], None, 0
    while True:
        page = call("configmaps list (paging)", core.list_namespaced_config_map, NS,
                    label_selector="page=yes", limit=5, _continue=token)
        seen += [i.metadata.name for i in page.items]
        pages += 1
        token = page.metadata._continue
        if not token:
            break
    expect("configmaps list (paging)", pages == 3 and
           sorted(seen) == ["py-page-%02d" % i for i in range(12)], "%d pages: %s" % (pages, seen))
    o = call("configmaps patch (JSON patch)", core.patch_namespaced_config_map, "py-page-00", NS,
             [{"op": "add", "path": "/data", "value": {"j": "1"}}])
    expect("configmaps patch (JSON patch)", o.data == {"j": "1"}, "data %s" % o.data)
    call("configmaps delete collection", core.delete_collection_namespaced_config_map, NS,
         label_selector="page=yes")
    left = call("configmaps list", core.list_namespaced_config_map, NS,
                label_selector="page=yes").items
    expect("configmaps delete collection", left == [], "left %d" % len(left))

    cs = call("componentstatuses list", core.list_component_status).items
    expect("componentstatuses list", any(c.metadata.name.startswith("etcd") for c in cs),
           "names %s" % [c.metadata.name for c in cs])
    c = call("componentstatuses read", core.read_component_status, cs[0].metadata.name)
    expect("componentstatuses read", c.conditions and c.conditions[0].type == "Healthy",
           "conditions %s" % c.conditions)
    expect_status("componentstatuses create", 405, core.api_client.call_api,
                  "/api/v1/componentstatuses", "POST", body={"metadata": {"name": "x"}},
                  header_params={"Content-Type": "application/json"},
                  auth_settings=["BearerToken"])

    pcs = call("priorityclasses list", apis["scheduling"].list_priority_class).items
    names = [p.metadata.name for p in pcs]
    expect("priorityclasses list", "system-node-critical" in names
           and "system-cluster-critical" in names, "names %s" % names)
    svc = call("services read kubernetes", core.read_namespaced_service, "kubernetes", "default")
    expect("services read kubernetes", svc.spec.ports[0].port == 443, "ports %s" % svc.spec.ports)
    names = [n.metadata.name for n in call("namespaces list", core.list_namespace).items]
    expect("namespaces list", "kube-system" in names and NS in names, "names %s" % names)


def main(kubeconfig, only):
    verbose = os.environ.get("CK_PY_VERBOSE") == "1"
    urllib3.disable_warnings()
    config.load_kube_config(config_file=kubeconfig)
    apis = {
        "core": client.CoreV1Api(), "apps": client.AppsV1Api(), "batch": client.BatchV1Api(),
        "autoscaling": client.AutoscalingV1Api(),
        "autoscaling_v2": V2HPAApi(V2ApiClient()),
        "discovery": client.DiscoveryV1Api(), "networking": client.NetworkingV1Api(),
        "policy": client.PolicyV1Api(), "scheduling": client.SchedulingV1Api(),
        "rbac": client.RbacAuthorizationV1Api(), "storage": client.StorageV1Api(),
        "apiextensions": client.ApiextensionsV1Api(), "coordination": client.CoordinationV1Api(),
        "events": client.EventsV1Api(), "admission": client.AdmissionregistrationV1Api(),
    }
    failures, ran = [], 0
    try:
        call("namespaces create " + NS, apis["core"].create_namespace,
             client.V1Namespace(metadata=meta(NS)))
    except Failure as f:
        print("python kinds: FAILED: %s" % f)
        return 1
    for kind in kinds(apis):
        if only and kind.name not in only:
            continue
        ran += 1
        t0 = time.monotonic()
        try:
            run_kind(kind)
        except Failure as f:
            failures.append(str(f))
        if verbose:
            print("%-32s %.2fs" % (kind.name, time.monotonic() - t0))
    if not only:
        try:
            other_checks(apis)
        except Failure as f:
            failures.append(str(f))
    if only and ran != len(only):
        failures.append("unknown kind in %s" % only)
    for f in failures:
        print("python kinds: FAILED: %s" % f)
    if failures:
        return 1
    print("python kinds: ok (%d kinds)" % ran)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))

#!/usr/bin/env python3
"""Generates src/k8s/schema/k8s-schemas.txt.gz: the Kubernetes API types plimsoll validates
objects against, for every Kubernetes minor release it embeds.

Input: a folder holding one folder per minor release (`1.23`, `1.24`, ...), each a copy of the
`api/openapi-spec/v3` folder of the Kubernetes repository at that release (`api/v1.json`,
`apis/<group>/<version>.json`). The `pkg/openapiclient/builtins` folder of
kubernetes-sigs/kubectl-validate holds exactly that for 1.23 and later:

    git clone --depth 1 https://github.com/kubernetes-sigs/kubectl-validate /tmp/kv
    python3 scripts/k8s-schemas.py /tmp/kv/pkg/openapiclient/builtins src/k8s/schema/k8s-schemas.txt.gz

Python 3 standard library only. The output is gzip-compressed text, one record a line, so
plimsoll reads a type's JSON only when an object uses it:

    V<TAB>1.35<TAB>type index,type index,...<TAB>apps/v1 Deployment=io.k8s.api.apps.v1.Deployment|...
    T<TAB>io.k8s.api.apps.v1.Deployment<TAB>{schema as JSON}

`V` lines list, per release, its types (indices of the `T` lines, sorted by type name) and the
type of each apiVersion and kind.
A type that is the same in several releases is stored once. A schema is either a string
(`string`, `int32`, `int64`, `number`, `boolean`, `int-or-string`, `quantity`, `date-time`,
`byte`, `any`, or `@Name` for a named type), or an object with `k` (kind):
- `o` a structure: `p` properties, `r` required fields, `pu` (x-kubernetes-preserve-unknown-fields),
  `er` (x-kubernetes-embedded-resource); without `p` any mapping is accepted;
- `m` a map: `v` the schema of its values;
- `a` a list: `i` the schema of its items, `lk` the keys of a list-map (x-kubernetes-list-type: map);
- `s` a string with `e`: the values the API server accepts (from the table below: the published
  specifications carry no enums for built-in types, the API server's validation code does).
"""

import gzip
import json
import os
import sys

# Fields whose values the API server's validation restricts to a fixed set (an empty string
# always passes: it means "the default" for these fields). Keyed by type name and field.
# `imagePullPolicy` and `hostPath.type` are left to the rules that check them.
ENUMS = {
    "io.k8s.api.core.v1.Container.terminationMessagePolicy": ["File", "FallbackToLogsOnError"],
    "io.k8s.api.core.v1.ContainerPort.protocol": ["TCP", "UDP", "SCTP"],
    "io.k8s.api.core.v1.ServicePort.protocol": ["TCP", "UDP", "SCTP"],
    "io.k8s.api.core.v1.PodSpec.restartPolicy": ["Always", "OnFailure", "Never"],
    "io.k8s.api.core.v1.PodSpec.dnsPolicy": ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
    "io.k8s.api.core.v1.ServiceSpec.type": ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"],
    "io.k8s.api.core.v1.ServiceSpec.sessionAffinity": ["ClientIP", "None"],
    "io.k8s.api.core.v1.ServiceSpec.externalTrafficPolicy": ["Cluster", "Local"],
    "io.k8s.api.core.v1.ServiceSpec.internalTrafficPolicy": ["Cluster", "Local"],
    "io.k8s.api.core.v1.ServiceSpec.ipFamilyPolicy": ["SingleStack", "PreferDualStack", "RequireDualStack"],
    "io.k8s.api.core.v1.HTTPGetAction.scheme": ["HTTP", "HTTPS"],
    "io.k8s.api.core.v1.Toleration.operator": ["Exists", "Equal"],
    "io.k8s.api.core.v1.Toleration.effect": ["NoSchedule", "PreferNoSchedule", "NoExecute"],
    "io.k8s.api.core.v1.NodeSelectorRequirement.operator": ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"],
    "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement.operator": ["In", "NotIn", "Exists", "DoesNotExist"],
    "io.k8s.api.core.v1.TopologySpreadConstraint.whenUnsatisfiable": ["DoNotSchedule", "ScheduleAnyway"],
    "io.k8s.api.core.v1.PersistentVolumeClaimSpec.volumeMode": ["Block", "Filesystem"],
    "io.k8s.api.core.v1.PodSecurityContext.fsGroupChangePolicy": ["OnRootMismatch", "Always"],
    "io.k8s.api.core.v1.SeccompProfile.type": ["RuntimeDefault", "Unconfined", "Localhost"],
    "io.k8s.api.apps.v1.DeploymentStrategy.type": ["Recreate", "RollingUpdate"],
    "io.k8s.api.apps.v1.StatefulSetUpdateStrategy.type": ["RollingUpdate", "OnDelete"],
    "io.k8s.api.apps.v1.DaemonSetUpdateStrategy.type": ["RollingUpdate", "OnDelete"],
    "io.k8s.api.apps.v1.StatefulSetSpec.podManagementPolicy": ["OrderedReady", "Parallel"],
    "io.k8s.api.batch.v1.CronJobSpec.concurrencyPolicy": ["Allow", "Forbid", "Replace"],
    "io.k8s.api.batch.v1.JobSpec.completionMode": ["NonIndexed", "Indexed"],
    "io.k8s.api.networking.v1.HTTPIngressPath.pathType": ["Exact", "Prefix", "ImplementationSpecific"],
    "io.k8s.api.rbac.v1.Subject.kind": ["User", "Group", "ServiceAccount"],
    "io.k8s.api.autoscaling.v2.MetricSpec.type": ["Object", "Pods", "Resource", "External", "ContainerResource"],
    "io.k8s.api.autoscaling.v2.MetricTarget.type": ["Utilization", "Value", "AverageValue"],
}

# Named types with their own JSON form.
SPECIAL = {
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "quantity",
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "int-or-string",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "date-time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "date-time",
    "io.k8s.apimachinery.pkg.runtime.RawExtension": "any",
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1": "any",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": "any",
}


def ref_name(ref):
    return ref.rsplit("/", 1)[-1]


def conv(s, owner=None, field=None):
    """One schema in the compact form. `owner.field` names the property, for ENUMS."""
    if not isinstance(s, dict):
        return "any"
    if "$ref" in s:
        name = ref_name(s["$ref"])
        return SPECIAL.get(name, "@" + name)
    all_of = s.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1 and "$ref" in all_of[0]:
        return conv(all_of[0])
    if s.get("x-kubernetes-int-or-string") or s.get("format") == "int-or-string":
        return "int-or-string"
    t = s.get("type")
    if t is None and "oneOf" in s:
        kinds = sorted(x.get("type") for x in s["oneOf"] if isinstance(x, dict))
        if kinds == ["number", "string"]:
            return "quantity"
        if kinds == ["integer", "string"]:
            return "int-or-string"
        return "any"
    if t == "string":
        fmt = s.get("format")
        if fmt in ("date-time", "byte"):
            return fmt
        enum = ENUMS.get(f"{owner}.{field}") if owner else None
        if enum:
            return {"k": "s", "e": enum}
        return "string"
    if t == "integer":
        return "int32" if s.get("format") == "int32" else "int64"
    if t == "number":
        return "number"
    if t == "boolean":
        return "boolean"
    if t == "array":
        out = {"k": "a", "i": conv(s.get("items"), owner, field)}
        if s.get("x-kubernetes-list-type") == "map" and s.get("x-kubernetes-list-map-keys"):
            out["lk"] = s["x-kubernetes-list-map-keys"]
        return out
    if t == "object" or "properties" in s:
        if s.get("x-kubernetes-preserve-unknown-fields") and not s.get("properties"):
            return "any"
        if "properties" in s:
            return with_fields(s, owner)
        ap = s.get("additionalProperties")
        if isinstance(ap, dict):
            return {"k": "m", "v": conv(ap)}
        # An object with no declared fields (FieldsV1, an opaque configuration): any mapping.
        return {"k": "o"}
    return "any"


def with_fields(s, owner):
    """An object type with declared fields; `owner` names it for ENUMS."""
    out = {"k": "o", "p": {k: conv(v, owner, k) for k, v in sorted(s["properties"].items())}}
    if s.get("required"):
        out["r"] = sorted(s["required"])
    if s.get("x-kubernetes-preserve-unknown-fields"):
        out["pu"] = 1
    if s.get("x-kubernetes-embedded-resource"):
        out["er"] = 1
    return out


def named(name, s):
    if name in SPECIAL:
        return SPECIAL[name]
    # Properties of a named type know their owner, for ENUMS.
    if isinstance(s, dict) and "properties" in s:
        return with_fields(s, name)
    return conv(s)


def read_version(folder):
    types = {}
    roots = {}
    for dirpath, _, files in os.walk(folder):
        for f in sorted(files):
            if not f.endswith(".json"):
                continue
            with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                spec = json.load(fh)
            for name, s in spec.get("components", {}).get("schemas", {}).items():
                types[name] = named(name, s)
                gvks = s.get("x-kubernetes-group-version-kind") or []
                # Types with one group-version-kind are objects users write; DeleteOptions,
                # WatchEvent and the like list every group.
                if len(gvks) == 1 and isinstance(s.get("properties"), dict) and "kind" in s["properties"]:
                    g = gvks[0]
                    api = f"{g['group']}/{g['version']}" if g.get("group") else g["version"]
                    if g["kind"].endswith("List") and "items" in s["properties"]:
                        continue
                    roots[f"{api} {g['kind']}"] = name
    return types, roots


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: k8s-schemas.py SPECS_FOLDER OUTPUT.txt.gz")
    src, dst = sys.argv[1], sys.argv[2]

    def key(v):
        return tuple(int(x) for x in v.split("."))

    versions = sorted((d for d in os.listdir(src) if d.replace(".", "").isdigit()), key=key)
    all_types = []
    index = {}
    out_versions = {}
    for v in versions:
        types, roots = read_version(os.path.join(src, v))
        ids = []
        for name in sorted(types):
            body = json.dumps([name, types[name]], sort_keys=True, separators=(",", ":"))
            if body not in index:
                index[body] = len(all_types)
                all_types.append([name, types[name]])
            ids.append(index[body])
        out_versions[v] = {"types": ids, "roots": dict(sorted(roots.items()))}
        print(f"{v}: {len(types)} types, {len(roots)} kinds", file=sys.stderr)
    lines = []
    for v, body in out_versions.items():
        ids = ",".join(str(i) for i in body["types"])
        roots = "|".join(f"{k}={n}" for k, n in body["roots"].items())
        lines.append(f"V\t{v}\t{ids}\t{roots}")
    for name, schema in all_types:
        lines.append(f"T\t{name}\t" + json.dumps(schema, sort_keys=True, separators=(",", ":")))
    data = "\n".join(lines) + "\n"
    with open(dst, "wb") as fh:
        # mtime 0: the same input gives the same bytes.
        fh.write(gzip.compress(data.encode(), compresslevel=9, mtime=0))
    print(f"{len(all_types)} distinct types, {len(data)} bytes of JSON, {os.path.getsize(dst)} compressed", file=sys.stderr)


if __name__ == "__main__":
    main()

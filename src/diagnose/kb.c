/* The knowledge base: one entry per kind of failure, as data. Each has the
 * signatures that recognise it in what kubectl and the containers print, the
 * cause, the fix and what to collect when the evidence is thin. Each entry
 * has a positive and a negative fixture under tests/data/diagnose/kb/.
 *
 * Confidence is that of the signature alone: an exact server message is
 * 90-95, a message several causes share 70-80, a status that only says that
 * something fails 25-45. A signature with `requires` counts only when that
 * other entry, or one of the more precise entries it yields to, is seen as
 * well (an initdb banner means nothing in a healthy start, much in a restart
 * loop). Signatures are tried in order and the first that matches a line
 * takes it, so those that capture a subject come first. */
#include "diagnose/diagnose.h"

#include <string.h>

const struct dx_entry dx_kb[] = {
	/* --- PostgreSQL authentication --- */
	{"pg-no-password", "postgres-auth", DX_CAUSE, "The database client sent no password",
	 {{"fe_sendauth: no password supplied", NULL, 95, DX_ANY, NULL},
	  {"but no password was provided", NULL, 95, DX_ANY, NULL}},
	 "PostgreSQL asked for a password (md5 or scram-sha-256 in pg_hba.conf) and the client had none. With the official "
	 "Odoo image: a `command:` replaces the entrypoint that passes --db_password, a db_password line in odoo.conf has a "
	 "space on one side of = only (the entrypoint then passes an empty value), or db_password = False. With Keycloak: "
	 "KC_DB_PASSWORD is empty.",
	 "Give the client its password from a Secret: for Odoo use `args:` instead of `command:` and set PASSWORD (or write "
	 "`db_password = value` with a space on both sides); for Keycloak set KC_DB_PASSWORD from a secretKeyRef.",
	 "the Odoo container's command, args and env (kubectl get deploy -o yaml) and the odoo.conf it mounts",
	 {NULL}},
	{"pg-auth-failed", "postgres-auth", DX_CAUSE, "PostgreSQL rejected the password",
	 {{"password authentication failed for user", "password authentication failed for user \"?([^\" ]+)", 80, DX_ANY, NULL}},
	 "The client's password differs from the role's. On the client side: a misnamed variable (DB_PASSWORD, "
	 "ODOO_DB_PASSWORD) makes the official Odoo image fall back to the password `odoo`; a Secret value ends in a newline "
	 "(echo without -n, --from-file). On the server side: POSTGRES_PASSWORD applies only when the data directory is "
	 "initialised, so changing it later changes nothing.",
	 "Make the two agree: set the role's password inside the database pod (ALTER ROLE <user> PASSWORD '...') or give "
	 "the client the role's password; create Secrets with --from-literal or echo -n.",
	 "the PostgreSQL log's DETAIL line for the failure (kubectl logs <postgres pod>)",
	 {"pg-password-mismatch", "pg-role-missing", "pg-scram-md5", NULL}},
	{"pg-password-mismatch", "postgres-auth", DX_CAUSE, "The role's stored password differs from the client's",
	 {{"Password does not match for user", "Password does not match for user \"?([^\".]+)", 95, DX_ANY, NULL}},
	 "The role exists but its password is not the one the client sends. Typical after the data volume was initialised "
	 "with another POSTGRES_PASSWORD (a volume reused, a Secret regenerated): the image sets the password only on an "
	 "empty data directory.",
	 "Set the role's password to the client's: kubectl exec into the database pod and run ALTER ROLE <user> PASSWORD "
	 "'<the Secret's value>'; or restore the Secret's old value. Deleting the volume also works and destroys the data.",
	 "the Secret the client reads and the age of the database volume",
	 {NULL}},
	{"pg-role-missing", "postgres-auth", DX_CAUSE, "The database role does not exist",
	 {{"Role \"", "Role \"([^\"]+)\" does not exist", 95, DX_ANY, NULL},
	  {"role \"", "FATAL: +role \"([^\"]+)\" does not exist", 95, DX_ANY, NULL}},
	 "The client logs in as a role the server does not have. The postgres image creates one role, POSTGRES_USER, and "
	 "only when the data directory is empty: a user renamed later, or a volume initialised by another chart or release "
	 "with other credentials, leaves the role missing.",
	 "Create the role in the database pod (CREATE ROLE <user> LOGIN CREATEDB PASSWORD '...'), or make the client use "
	 "POSTGRES_USER's role; on a reused volume list the roles with \\du.",
	 "the client's user setting and the server's POSTGRES_USER",
	 {NULL}},
	{"pg-credentials-after-init", "postgres-auth", DX_CAUSE,
	 "The data directory was initialised earlier; the new credentials were ignored",
	 {{"Skipping initialization", NULL, 97, DX_ANY, "pg-auth-failed"}},
	 "The postgres image found an existing database in the volume and skipped initialisation, so POSTGRES_USER, "
	 "POSTGRES_PASSWORD and POSTGRES_DB from the current Secret were not applied: the roles and passwords are those of "
	 "the first start.",
	 "Change the role inside the database (ALTER ROLE / CREATE ROLE) to match the Secret, or start with the Secret's "
	 "original values; only a new, empty volume applies new POSTGRES_* values.",
	 NULL,
	 {NULL}},
	{"pg-hba-missing", "postgres-auth", DX_CAUSE, "No pg_hba.conf line admits the client",
	 {{"no pg_hba.conf entry for host", "no pg_hba.conf entry for host \"([^\"]+)\"", 95, DX_ANY, NULL}},
	 "The server has no pg_hba.conf line for the client's address, user, database and SSL mode. Pods get addresses from "
	 "the cluster's pod network, not the Compose bridge network a hand-written pg_hba.conf allowed.",
	 "Allow the pod network (host all all <pod CIDR> scram-sha-256), or keep the official image's `host all all all "
	 "scram-sha-256`; with SSL make hostssl/hostnossl match the client's sslmode.",
	 "the pg_hba.conf the server uses (SHOW hba_file; TABLE pg_hba_file_rules)",
	 {NULL}},
	{"pg-scram-md5", "postgres-auth", DX_CAUSE, "Password stored as md5 where SCRAM is required",
	 {{"does not have a valid SCRAM secret", NULL, 95, DX_ANY, NULL},
	  {"authentication method 10 not supported", NULL, 95, DX_ANY, NULL}},
	 "pg_hba.conf requires scram-sha-256 but the role's password is stored as an md5 hash (a restore or an upgrade from "
	 "PostgreSQL 13 or older keeps it), or the client is too old to speak SCRAM.",
	 "Store the password again as SCRAM: SET password_encryption = 'scram-sha-256'; ALTER ROLE <user> PASSWORD '...'; "
	 "upgrade old clients.",
	 NULL,
	 {NULL}},
	{"pg-database-missing", "postgres", DX_CAUSE, "The database does not exist",
	 {{"does not exist", "FATAL: +database \"([^\"]+)\" does not exist", 90, DX_ANY, NULL}},
	 "The client connects to a database this server does not have: POSTGRES_DB creates one database and only at "
	 "initialisation, so Keycloak's database (KC_DB_URL) or Odoo's (db_name) was never created or not yet restored.",
	 "Create it (CREATE DATABASE <name> OWNER <role>) or restore it with pg_restore, or fix the name the client uses.",
	 "\\l in psql on the server",
	 {NULL}},
	{"pg-too-many-clients", "postgres", DX_CAUSE, "PostgreSQL has no connection slot left",
	 {{"sorry, too many clients already", NULL, 95, DX_ANY, NULL},
	  {"remaining connection slots are reserved", NULL, 95, DX_ANY, NULL}},
	 "All max_connections (100 by default) are taken. Each Odoo process keeps its own pool (up to db_maxconn, 64 by "
	 "default) and each Keycloak pod up to KC_DB_POOL_MAX_SIZE (100): more replicas multiply them.",
	 "Lower db_maxconn on Odoo (8-16) and KC_DB_POOL_MAX_SIZE, cap the autoscaler, raise max_connections, or put "
	 "PgBouncer (a CloudNativePG Pooler) in front.",
	 "SELECT usename, application_name, count(*) FROM pg_stat_activity GROUP BY 1, 2",
	 {NULL}},
	{"pg-disk-full", "storage", DX_CAUSE, "The database volume is full",
	 {{"No space left on device", NULL, 90, DX_ANY, NULL},
	  {"could not extend file", NULL, 90, DX_ANY, NULL}},
	 "A write needed space the volume does not have: PostgreSQL stops accepting writes (and may not restart) when its "
	 "data or WAL fills the disk.",
	 "Grow the claim (DigitalOcean block storage classes allow expansion: raise spec.resources.requests.storage), then "
	 "find what grew (WAL kept by an inactive replication slot, bloat, logs).",
	 "df -h in the pod; SELECT slot_name, active FROM pg_replication_slots",
	 {NULL}},
	/* --- reaching the database --- */
	{"dns-unresolved", "network", DX_CAUSE, "A host name does not resolve in the cluster",
	 {{"could not translate host name", "could not translate host name \"([^\"]+)\"", 95, DX_ANY, NULL},
	  {"UnknownHostException", "UnknownHostException: ([^ :]+)", 95, DX_ANY, NULL},
	  {"could not be resolved", "Hostname ([^ ]+) could not be resolved", 90, DX_ANY, NULL},
	  {"no such host", "lookup ([^ ]+)( on [^ ]+)?: no such host", 85, DX_ANY, NULL},
	  {"Temporary failure in name resolution", NULL, 85, DX_ANY, NULL},
	  {"Name or service not known", NULL, 80, DX_ANY, NULL}},
	 "The name the client uses (usually the database host) is not a Service it can resolve. The official Odoo image "
	 "uses `db` when HOST is unset; a chart with replication names the Service <release>-postgresql-primary; a Service "
	 "in another namespace needs <service>.<namespace>.svc.cluster.local; a CloudNativePG cluster is reached as "
	 "<cluster>-rw; a default-deny NetworkPolicy without DNS egress makes every lookup fail (Temporary failure in name "
	 "resolution).",
	 "Point the client at an existing Service (kubectl get svc -n <namespace>), and allow egress to kube-dns on port 53, "
	 "UDP and TCP, where egress is restricted.",
	 "kubectl get svc -A; kubectl get networkpolicy -n <namespace>",
	 {NULL}},
	{"db-localhost", "network", DX_CAUSE, "The client looks for the database on localhost",
	 {{"localhost", "on host \"(localhost)\"", 95, DX_ANY, NULL},
	  {"127.0.0.1", "on host \"(127\\.0\\.0\\.1)\"", 95, DX_ANY, NULL},
	  {"connection to server at", "connection to server at \"(localhost|127\\.0\\.0\\.1)\"", 95, DX_ANY, NULL},
	  {"Connection to ", "Connection to (localhost|127\\.0\\.0\\.1):[0-9]+ refused", 95, DX_ANY, NULL}},
	 "In Kubernetes localhost is the client's own pod; PostgreSQL runs in another pod behind a Service. In Compose the "
	 "host was a service name, or both programs ran in one container.",
	 "Set the database host to the PostgreSQL Service's name (Odoo: HOST or db_host; Keycloak: KC_DB_URL).",
	 NULL,
	 {NULL}},
	{"db-refused", "network", DX_CAUSE, "Nothing accepts connections on the database port",
	 {{"could not connect to server: Connection refused", NULL, 80, DX_ANY, NULL},
	  {"Connection refused", "connection to server at \"([^\"]+)\".*Connection refused", 80, DX_ANY, NULL},
	  {" refused. Check that the hostname and port are correct", "Connection to ([^ ]+) refused", 80, DX_ANY, NULL}},
	 "The host resolves but nothing listens on the port: PostgreSQL is not running or not ready (while it initialises, "
	 "the image listens on its Unix socket only), its Service has no ready endpoint, or the port is wrong.",
	 "Wait for the database before starting (an init container running pg_isready -h <service>, or a startup probe), "
	 "check kubectl get endpoints <service> and the Service's targetPort (5432).",
	 "kubectl get endpoints -n <namespace>; the PostgreSQL pod's log",
	 {"db-localhost", NULL}},
	{"db-timeout", "network", DX_CAUSE, "Connections to the database time out",
	 {{"timeout expired", "(connection to server|could not connect|^timeout expired)", 75, DX_ANY, NULL},
	  {"Connection timed out", "(5432|[Ss]erver|[Dd]atabase|[Pp]ostgre)", 75, DX_ANY, NULL},
	  {"SocketTimeoutException: connect timed out", NULL, 75, DX_ANY, NULL}},
	 "Packets to the database get no answer: a NetworkPolicy drops the client's egress or PostgreSQL's ingress on 5432, "
	 "or the address belongs to nothing.",
	 "Allow the flow on both sides (client egress to the database pods on 5432, database ingress from the client pods) "
	 "and check the Service's endpoints.",
	 "kubectl get networkpolicy -n <namespace> -o yaml",
	 {NULL}},
	{"db-socket", "network", DX_CAUSE, "The client has no database host and tries the local socket",
	 {{"connection to server on socket", NULL, 90, DX_ANY, NULL},
	  {"accepting connections on Unix domain socket", NULL, 90, DX_ANY, NULL}},
	 "No database host reached the client, so libpq tried a Unix socket in its own container. The official Odoo image's "
	 "entrypoint passes --db_host: a `command:` replaces the entrypoint, and nothing else sets db_host.",
	 "Use `args:` instead of `command:` for Odoo (or set db_host in odoo.conf), and set HOST to the PostgreSQL Service.",
	 NULL,
	 {NULL}},
	{"odoo-missing-db-params", "odoo", DX_CAUSE, "Odoo's entrypoint found no database settings",
	 {{"Missing required database parameters", NULL, 95, DX_ANY, NULL}},
	 "The Odoo entrypoint (17 and 18 builds from May 2026 on) found no value for host, port, user or password in the "
	 "environment (HOST, PORT, USER, PASSWORD, PG*) or in odoo.conf.",
	 "Set HOST, PORT, USER and PASSWORD (from a Secret) on the Odoo container, or the db_* keys in odoo.conf.",
	 NULL,
	 {NULL}},
	{"odoo-db-connection-failure", "odoo", DX_SYMPTOM, "Odoo could not connect to PostgreSQL at start",
	 {{"Database connection failure", NULL, 50, DX_ANY, NULL}},
	 "The entrypoint's wait-for-psql step could not connect within 30 s and the container exits; the driver's reason is "
	 "on the same or the next line.",
	 "Fix what the driver reports (host, port, credentials, network policy).",
	 "the complete log of the failed start: kubectl logs --previous <odoo pod>",
	 {"dns-unresolved", "db-localhost", "db-refused", "db-timeout", "db-socket", "pg-no-password", "pg-auth-failed", NULL}},
	/* --- data directories --- */
	{"pg-lost-found", "storage", DX_CAUSE, "initdb refuses the volume root: it holds lost+found",
	 {{"It contains a lost+found directory", NULL, 95, DX_ANY, NULL},
	  {"exists but is not empty", "directory \"([^\"]+)\" exists but is not empty", 85, DX_ANY, NULL},
	  {"The files belonging to this database system will be owned by user", NULL, 45, DX_ANY, "crashloop"}},
	 "initdb will not create a cluster in a directory that is not empty, and a new block volume (DigitalOcean, Azure "
	 "disk, EBS) has lost+found at its root: PGDATA is the mount point itself. When only initdb's first lines show and "
	 "the pod restarts, the error that follows them is usually this one.",
	 "Set PGDATA to a subdirectory of the mount (/var/lib/postgresql/data/pgdata), or mount the volume with subPath.",
	 "the end of the failed run's log: kubectl logs --previous <postgres pod>",
	 {NULL}},
	{"pg-no-superuser-password", "postgres", DX_CAUSE, "PostgreSQL will not initialise without a password",
	 {{"superuser password is not specified", NULL, 95, DX_ANY, NULL}},
	 "The postgres image refuses to initialise an empty data directory without POSTGRES_PASSWORD (or the unsafe "
	 "POSTGRES_HOST_AUTH_METHOD=trust): the variable is missing, or its Secret key is empty.",
	 "Set POSTGRES_PASSWORD from a Secret (valueFrom.secretKeyRef) whose key exists and is not empty.",
	 NULL,
	 {NULL}},
	{"pg-data-permission", "storage", DX_CAUSE, "PostgreSQL cannot own its data directory",
	 {{"has invalid permissions", "data directory \"([^\"]+)\" has invalid permissions", 90, DX_ANY, NULL},
	  {"could not change permissions of directory", "directory \"([^\"]+)\"", 90, DX_ANY, NULL},
	  {"has wrong ownership", "data directory \"([^\"]+)\" has wrong ownership", 90, DX_ANY, NULL},
	  {"chmod: changing permissions of", "changing permissions of '([^']+)'", 85, DX_ANY, NULL}},
	 "PostgreSQL needs its data directory owned by its own user with mode 0700 (0750 allowed). The volume belongs to "
	 "another UID, or it is an NFS share that refuses chown and chmod.",
	 "Run as the image's postgres UID (999 for Debian images, 70 for Alpine) with fsGroup set to it, use a subdirectory "
	 "of the mount as PGDATA, and keep the database on block storage, not NFS.",
	 NULL,
	 {NULL}},
	{"odoo-filestore-permission", "storage", DX_CAUSE, "Odoo cannot write its data directory",
	 {{"Permission denied: '/var/lib/odoo", "Permission denied: '(/var/lib/odoo[^']*)'", 90, DX_ANY, NULL}},
	 "The Odoo process (UID 101 in the 16 and 17 images, 100 from 18) cannot write /var/lib/odoo: the volume is owned by "
	 "root or another UID.",
	 "Set the pod's securityContext.fsGroup to Odoo's group (101 for 16/17, 100 for 18+) so the volume is group-writable.",
	 NULL,
	 {NULL}},
	/* --- pod security --- */
	{"runasnonroot-nonnumeric", "pod-security", DX_CAUSE, "runAsNonRoot with an image user given by name",
	 {{"container has runAsNonRoot and image has non-numeric user",
	   "non-numeric user \\(([^)]+)\\)", 95, DX_ANY, NULL}},
	 "runAsNonRoot: true makes the kubelet check the image's user, and it cannot prove that a user given by name (USER "
	 "odoo, USER admin) is not root, so it refuses to start the container (CreateContainerConfigError).",
	 "Set securityContext.runAsUser (and runAsGroup, fsGroup) to the image user's numeric id: odoo 101 (16/17) or 100 "
	 "(18+), postgres 999, Keycloak 1000.",
	 NULL,
	 {NULL}},
	{"runasnonroot-root", "pod-security", DX_CAUSE, "runAsNonRoot with an image that runs as root",
	 {{"container has runAsNonRoot and image will run as root", NULL, 95, DX_ANY, NULL}},
	 "runAsNonRoot: true and the image runs as UID 0 (no USER, or USER root), so the kubelet refuses to start it.",
	 "Set runAsUser to a non-zero id the image works under, or use a build of the image made to run unprivileged.",
	 NULL,
	 {NULL}},
	{"pss-violation", "pod-security", DX_CAUSE, "The pod breaks the namespace's Pod Security Standard",
	 {{"violates PodSecurity", "violates PodSecurity \"([^\"]+)\"", 95, DX_ANY, NULL}},
	 "The namespace enforces a Pod Security Standard and the pod template breaks it (privilege escalation allowed, "
	 "capabilities not dropped, no seccomp profile, root user, host paths), so the ReplicaSet or StatefulSet cannot "
	 "create any pod.",
	 "Give every container allowPrivilegeEscalation: false, capabilities.drop: [ALL], runAsNonRoot: true with a numeric "
	 "runAsUser, and seccompProfile.type: RuntimeDefault; `kgenius lint` names each gap.",
	 "kubectl get events -n <namespace> --field-selector reason=FailedCreate",
	 {NULL}},
	{"serviceaccount-missing", "config", DX_CAUSE, "The pod's ServiceAccount does not exist",
	 {{"serviceaccount \"", "serviceaccount \"([^\"]+)\" not found", 95, DX_ANY, NULL}},
	 "The pod template names a serviceAccountName that is not in the namespace, so the controller cannot create pods.",
	 "Create the ServiceAccount in the pod's namespace or fix serviceAccountName.",
	 NULL,
	 {NULL}},
	/* --- configuration references --- */
	{"config-object-missing", "config", DX_CAUSE, "A referenced Secret or ConfigMap does not exist",
	 {{"secret \"", "secret \"([^\"]+)\" not found", 95, DX_ANY, NULL},
	  {"configmap \"", "configmap \"([^\"]+)\" not found", 95, DX_ANY, NULL}},
	 "The pod references a Secret or ConfigMap (as a volume, envFrom or valueFrom) that is not in its namespace: created "
	 "in another namespace, under another name, or not applied yet. A volume keeps the pod in ContainerCreating "
	 "(FailedMount); an environment reference gives CreateContainerConfigError.",
	 "Create it in the pod's namespace (kubectl get secret,configmap -n <namespace>), fix the name, or mark the "
	 "reference optional: true if the pod runs without it.",
	 NULL,
	 {NULL}},
	{"config-key-missing", "config", DX_CAUSE, "A Secret or ConfigMap lacks the referenced key",
	 {{"couldn't find key", "couldn't find key ([^ ]+) in", 95, DX_ANY, NULL}},
	 "The Secret or ConfigMap exists but has no such key: a typo, or it was created --from-file so the key is the file's "
	 "name.",
	 "List its keys (kubectl get secret <name> -o jsonpath='{.data}') and add the key or fix the key in the reference.",
	 NULL,
	 {NULL}},
	{"create-config-error", "config", DX_SYMPTOM, "The container cannot be created (CreateContainerConfigError)",
	 {{"CreateContainerConfigError", NULL, 40, DX_ANY, NULL}},
	 "The kubelet could not build the container's configuration: a missing Secret, ConfigMap or key in its environment, "
	 "or a securityContext it cannot satisfy.",
	 "Fix what the pod's events name.",
	 "kubectl describe pod <pod> (its Events name the missing object or the failed check)",
	 {"config-object-missing", "config-key-missing", "runasnonroot-nonnumeric", "runasnonroot-root", NULL}},
	/* --- scheduling and volumes --- */
	{"sched-insufficient", "scheduling", DX_CAUSE, "No node has room for the pod's requests",
	 {{"Insufficient ", "Insufficient (cpu|memory|ephemeral-storage|[a-z0-9.]+/[a-z0-9-]+)", 90, DX_ANY, NULL}},
	 "No node has enough unrequested capacity for what the pod requests.",
	 "Lower the requests to what the process uses, or add nodes (DOKS: raise the node pool's maximum or enable its "
	 "autoscaler).",
	 "kubectl describe nodes (Allocated resources)",
	 {NULL}},
	{"pvc-unbound", "storage", DX_CAUSE, "The pod waits for a PersistentVolumeClaim that has no volume",
	 {{"unbound immediate PersistentVolumeClaims", NULL, 90, DX_ANY, NULL},
	  {"persistentvolumeclaim \"", "persistentvolumeclaim \"([^\"]+)\" not found", 90, DX_ANY, NULL}},
	 "A claim the pod mounts is not bound: no StorageClass provisions it (no default class, or a class name from another "
	 "cloud such as standard or gp2; DOKS has do-block-storage*), it asks for an access mode the class cannot give "
	 "(ReadWriteMany on block storage), or the provisioner has not finished yet.",
	 "Read the claim's events (kubectl describe pvc); set storageClassName to an existing class (DOKS: do-block-storage, "
	 "do-block-storage-retain for databases) or mark one as the default; ask block storage for ReadWriteOnce.",
	 "kubectl describe pvc -n <namespace>; kubectl get storageclass",
	 {"storageclass-missing", "no-default-storageclass", NULL}},
	{"storageclass-missing", "storage", DX_CAUSE, "The claim's StorageClass does not exist",
	 {{"storageclass.storage.k8s.io \"", "storageclass\\.storage\\.k8s\\.io \"([^\"]+)\" not found", 95, DX_ANY, NULL}},
	 "The claim names a StorageClass the cluster does not have (a name from another cloud or from minikube).",
	 "Use a class listed by kubectl get storageclass: on DOKS do-block-storage or do-block-storage-retain.",
	 NULL,
	 {NULL}},
	{"no-default-storageclass", "storage", DX_CAUSE, "No StorageClass provisions the claim",
	 {{"no persistent volumes available for this claim and no storage class is set", NULL, 95, DX_ANY, NULL}},
	 "The claim names no StorageClass and the cluster has no default one (kubeadm, bare metal), so no volume is made.",
	 "Mark a class as the default (annotation storageclass.kubernetes.io/is-default-class: \"true\"), install a "
	 "provisioner, or set storageClassName.",
	 NULL,
	 {NULL}},
	{"volume-node-affinity", "scheduling", DX_CAUSE, "The pod cannot run where its volume is",
	 {{"volume node affinity conflict", NULL, 95, DX_ANY, NULL}},
	 "The volume lives in a zone or on a node the pod may not be scheduled to: block volumes are zonal and a local "
	 "volume belongs to one node.",
	 "Let the pod run where the volume is (remove the conflicting nodeSelector or affinity), use a class with "
	 "volumeBindingMode: WaitForFirstConsumer, or move the data.",
	 NULL,
	 {NULL}},
	{"multi-attach", "storage", DX_CAUSE, "A ReadWriteOnce volume is wanted on two nodes (Multi-Attach)",
	 {{"Multi-Attach error for volume", "Multi-Attach error for volume \"([^\"]+)\"", 95, DX_ANY, NULL}},
	 "A ReadWriteOnce volume attaches to one node at a time; a second pod on another node that mounts the same claim (a "
	 "Deployment with several replicas, or a rolling update that starts the new pod before the old one stops) waits "
	 "forever. DigitalOcean block storage is ReadWriteOnce only.",
	 "One pod per claim: strategy Recreate with 1 replica, or a StatefulSet with volumeClaimTemplates; for data several "
	 "pods share (the Odoo filestore) use ReadWriteMany storage (NFS) or object storage.",
	 NULL,
	 {NULL}},
	{"attach-limit", "storage", DX_CAUSE, "The node cannot attach another volume",
	 {{"cannot attach more than", NULL, 90, DX_ANY, NULL},
	  {"max volume count", NULL, 85, DX_ANY, NULL}},
	 "The node already has as many volumes attached as it can take (DigitalOcean: 7 per Droplet).",
	 "Spread volume-heavy pods over more nodes (topologySpreadConstraints) or add nodes to the pool.",
	 NULL,
	 {NULL}},
	{"mount-failed", "storage", DX_SYMPTOM, "A volume cannot be mounted",
	 {{"FailedMount", NULL, 40, DX_ANY, NULL},
	  {"FailedAttachVolume", NULL, 40, DX_ANY, NULL},
	  {"Unable to attach or mount volumes", NULL, 40, DX_ANY, NULL},
	  {"ContainerCreating", NULL, 25, DX_STATUS, NULL}},
	 "The pod waits for a volume: a missing Secret or ConfigMap, a claim attached elsewhere, or a slow attach.",
	 "Fix what the FailedMount or FailedAttachVolume event names.",
	 "kubectl describe pod <pod> (Events); kubectl get volumeattachment",
	 {"config-object-missing", "multi-attach", "attach-limit", "volume-node-affinity", "pvc-unbound", NULL}},
	{"pod-pending", "scheduling", DX_SYMPTOM, "The pod is not scheduled (Pending)",
	 {{"Pending", NULL, 30, DX_STATUS, NULL},
	  {"FailedScheduling", NULL, 40, DX_ANY, NULL}},
	 "The scheduler has not placed the pod, or its volumes are not ready. For a StatefulSet pod (a name ending in -0, "
	 "-1, ...) the commonest cause is a PersistentVolumeClaim that no StorageClass binds.",
	 "Fix what the FailedScheduling event says.",
	 "kubectl describe pod <pod> (the FailedScheduling event); kubectl get pvc -n <namespace>; kubectl get storageclass",
	 {"pvc-unbound", "sched-insufficient", "no-default-storageclass", "storageclass-missing", "volume-node-affinity",
	  "attach-limit", NULL}},
	/* --- images --- */
	{"image-tag-not-found", "image", DX_CAUSE, "The image tag does not exist in the registry",
	 {{"manifest for ", "manifest for ([^ ]+) not found", 95, DX_ANY, NULL},
	  {"manifest unknown", NULL, 95, DX_ANY, NULL},
	  {"not found in repository", "Tag ([^ ]+) not found in repository", 95, DX_ANY, NULL},
	  {": not found", "failed to resolve reference \"([^\"]+)\": .*: not found", 95, DX_ANY, NULL}},
	 "The reference names a tag or digest the registry does not have: a typo, a tag never pushed, or one deleted since "
	 "(Bitnami moved its versioned Docker Hub tags to bitnamilegacy in 2025).",
	 "Use a tag that exists (docker manifest inspect <image>) and pin it.",
	 NULL,
	 {NULL}},
	{"image-pull-auth", "image", DX_CAUSE, "The registry refused the pull",
	 {{"pull access denied", NULL, 85, DX_ANY, NULL},
	  {"unauthorized: authentication required", NULL, 90, DX_ANY, NULL},
	  {"no basic auth credentials", NULL, 90, DX_ANY, NULL},
	  {"401 Unauthorized", NULL, 85, DX_ANY, NULL}},
	 "A private image without imagePullSecrets (or with a Secret for another registry, or an expired token), or a "
	 "repository name that does not exist: Docker Hub answers \"pull access denied\" to both.",
	 "Check the image name; for a private registry create a docker-registry Secret (DigitalOcean Container Registry: "
	 "connect it to the cluster, or doctl registry kubernetes-manifest) and list it in imagePullSecrets.",
	 NULL,
	 {"image-tag-not-found", NULL}},
	{"image-rate-limit", "image", DX_CAUSE, "Docker Hub's pull rate limit was hit",
	 {{"toomanyrequests", NULL, 95, DX_ANY, NULL},
	  {"pull rate limit", NULL, 95, DX_ANY, NULL},
	  {"429 Too Many Requests", NULL, 85, DX_ANY, NULL}},
	 "Docker Hub limits anonymous pulls per source address, and the cluster's nodes share theirs.",
	 "Pull with an account (imagePullSecrets), copy the images to DigitalOcean Container Registry, or use a mirror such "
	 "as mirror.gcr.io.",
	 NULL,
	 {NULL}},
	{"image-arch-mismatch", "image", DX_CAUSE, "The image is built for another CPU architecture",
	 {{"exec format error", NULL, 90, DX_ANY, NULL}},
	 "The container's binary is for another architecture (an arm64 image on amd64 nodes, or the reverse).",
	 "Build or pull the image for the nodes' architecture (docker buildx --platform linux/amd64).",
	 NULL,
	 {NULL}},
	{"command-not-found", "image", DX_CAUSE, "The container's command does not exist in the image",
	 {{"executable file not found in $PATH", "exec: \"([^\"]+)\": executable file not found", 90, DX_ANY, NULL}},
	 "command: names a program the image does not contain (a typo, a tool from another image, a path that differs).",
	 "Fix command: or args:; for the official Odoo image leave command: unset and pass options in args:.",
	 NULL,
	 {NULL}},
	{"image-pull-backoff", "image", DX_SYMPTOM, "The image cannot be pulled (ImagePullBackOff)",
	 {{"ImagePullBackOff", NULL, 40, DX_ANY, NULL},
	  {"ErrImagePull", NULL, 40, DX_ANY, NULL},
	  {"Failed to pull image", "Failed to pull image \"([^\"]+)\"", 40, DX_ANY, NULL}},
	 "The kubelet could not pull the image and retries with a back-off.",
	 "Fix what the registry answered (the Failed event's message).",
	 "kubectl describe pod <pod> (the Failed events carry the registry's answer)",
	 {"image-tag-not-found", "image-pull-auth", "image-rate-limit", NULL}},
	/* --- runtime --- */
	{"oom-killed", "resources", DX_CAUSE, "The container was killed for exceeding its memory limit",
	 {{"OOMKilled", NULL, 90, DX_ANY, NULL},
	  {"Memory cgroup out of memory", NULL, 85, DX_ANY, NULL}},
	 "The container used more memory than resources.limits.memory and the kernel killed it (exit code 137). Odoo needs "
	 "about 325 MiB per worker plus its cron and gevent processes; Keycloak's JVM sizes its heap at 70% of the limit.",
	 "Raise limits.memory to the measured peak plus headroom, or lower the load per pod (fewer Odoo workers; "
	 "limit_memory_hard below the container's limit so Odoo recycles workers first).",
	 "kubectl top pod; kubectl describe pod (Last State)",
	 {NULL}},
	{"probe-startup-failed", "probes", DX_CAUSE, "The startup probe kills the container before it has started",
	 {{"failed startup probe, will be restarted", NULL, 80, DX_ANY, NULL},
	  {"Startup probe failed", NULL, 75, DX_ANY, NULL}},
	 "The startup probe gave up before the application was up, so the kubelet restarts it, and the next start is as "
	 "slow. Keycloak's first production start runs its build step and takes minutes on a small node; Odoo's first start "
	 "initialises modules. A probe on a wrong port never succeeds: Keycloak 25+ answers /health on port 9000.",
	 "Allow the slowest start: failureThreshold x periodSeconds above it (for example 60 x 5 s); probe Keycloak on 9000 "
	 "and Odoo on /web/health; request enough CPU for the start.",
	 "kubectl describe pod (the Unhealthy events carry the probe's answer)",
	 {"keycloak-probe-port", NULL}},
	{"probe-liveness-failed", "probes", DX_CAUSE, "The liveness probe restarts the container",
	 {{"failed liveness probe, will be restarted", NULL, 75, DX_ANY, NULL},
	  {"Liveness probe failed", NULL, 70, DX_ANY, NULL}},
	 "The liveness probe failed failureThreshold times and the kubelet restarted a container that may only have been "
	 "busy or slow: a long Odoo request blocks its worker, a probe timeout of 1 s is short under load, or the probe "
	 "targets a wrong path or port.",
	 "Probe a cheap endpoint (Odoo /web/health, Keycloak /health/live on 9000) with timeoutSeconds 5 and a "
	 "failureThreshold of 3 or more, and add a startup probe for the slow start.",
	 "kubectl describe pod (the Unhealthy events carry the probe's answer)",
	 {"keycloak-probe-port", NULL}},
	{"keycloak-probe-port", "keycloak", DX_CAUSE, "Keycloak is probed on the wrong port",
	 {{"probe failed", "probe failed: .*:(8080|8443)/health", 92, DX_ANY, NULL}},
	 "Keycloak 25 and later serve /health/* on the management port 9000, not on 8080 or 8443; the probe gets 404 or is "
	 "refused, and the pod restarts or is never Ready.",
	 "Probe /health/started, /health/live and /health/ready on port 9000 and set KC_HEALTH_ENABLED=true.",
	 NULL,
	 {NULL}},
	{"pod-not-ready", "probes", DX_SYMPTOM, "The pod runs but is not Ready",
	 {{"Readiness probe failed", NULL, 45, DX_ANY, NULL},
	  {"Running", "^Status: Running Ready: 0/", 35, DX_STATUS, NULL}},
	 "The container runs but fails its readiness probe, so its Service sends it no traffic (502 or 503 at the ingress).",
	 "Fix what makes the application unready (its log says) or the probe.",
	 "kubectl describe pod <pod> (Unhealthy events); kubectl logs <pod>",
	 {"dns-unresolved", "db-refused", "db-timeout", "keycloak-probe-port", NULL}},
	{"crashloop", "runtime", DX_SYMPTOM, "The container restarts in a loop (CrashLoopBackOff)",
	 {{"CrashLoopBackOff", NULL, 35, DX_ANY, NULL},
	  {"Back-off restarting failed container", NULL, 35, DX_ANY, NULL}},
	 "The container exits soon after it starts and the kubelet restarts it with a growing back-off. Why it exits is in "
	 "the failed run's log and exit code: 1 an application error, 137 killed (memory limit or a failed liveness "
	 "probe), 143 stopped, 126 or 127 a command that cannot run.",
	 "Read the failed run's log and fix what it reports.",
	 "kubectl logs --previous <pod> [-c <container>]; kubectl describe pod <pod> (Last State, Exit Code, Events)",
	 {NULL}},
	/* --- HPA --- */
	{"hpa-no-metrics", "autoscaling", DX_CAUSE, "The autoscaler gets no metrics (metrics-server missing)",
	 {{"unable to get metrics for resource", NULL, 90, DX_ANY, NULL},
	  {"pods.metrics.k8s.io", NULL, 90, DX_ANY, NULL},
	  {"FailedGetResourceMetric", NULL, 85, DX_ANY, NULL},
	  {"<unknown>/", NULL, 70, DX_ANY, NULL}},
	 "The HorizontalPodAutoscaler cannot read the pods' CPU or memory use: DOKS does not install metrics-server.",
	 "Install metrics-server (DigitalOcean Marketplace 1-Click or its Helm chart) and check kubectl top pods.",
	 "kubectl get apiservice v1beta1.metrics.k8s.io",
	 {"hpa-missing-requests", NULL}},
	{"hpa-missing-requests", "autoscaling", DX_CAUSE, "The autoscaler's target has no resource request",
	 {{"missing request for", "missing request for (cpu|memory)", 95, DX_ANY, NULL}},
	 "Utilisation is measured against the request, and a container of the target has none.",
	 "Set resources.requests.cpu (and memory) on every container of the target, sidecars included.",
	 NULL,
	 {NULL}},
	/* --- ingress, TLS --- */
	{"ingress-413", "ingress", DX_CAUSE, "The ingress refuses large request bodies (413)",
	 {{"client intended to send too large body", NULL, 95, DX_ANY, NULL},
	  {"413 Request Entity Too Large", NULL, 90, DX_ANY, NULL}},
	 "The ingress controller rejects bodies above its limit: ingress-nginx allows 1m by default, so Odoo attachments, "
	 "imports and database restores fail.",
	 "Annotate the Ingress with nginx.ingress.kubernetes.io/proxy-body-size: \"100m\" (or the largest upload); with "
	 "Traefik raise the buffering middleware's maxRequestBodyBytes.",
	 "kubectl get ingress <name> -o yaml (annotations)",
	 {NULL}},
	{"ingress-bad-gateway", "ingress", DX_CAUSE, "The ingress reaches no healthy backend (502/504)",
	 {{"while connecting to upstream", NULL, 75, DX_ANY, NULL},
	  {"upstream timed out", NULL, 75, DX_ANY, NULL},
	  {"no live upstreams", NULL, 75, DX_ANY, NULL},
	  {"502 Bad Gateway", NULL, 70, DX_ANY, NULL},
	  {"504 Gateway Time", NULL, 70, DX_ANY, NULL}},
	 "The Service selects no ready pod, targets a port the pods do not listen on, or the backend answers slower than the "
	 "proxy's timeout (60 s by default: long Odoo reports and imports).",
	 "Check kubectl get endpoints <service>; make targetPort match the containerPort (Odoo 8069, its websocket 8072); "
	 "raise nginx.ingress.kubernetes.io/proxy-read-timeout for slow requests.",
	 "kubectl get endpoints -n <namespace>; the ingress controller's log",
	 {"odoo-websocket", NULL}},
	{"odoo-websocket", "odoo", DX_CAUSE, "Odoo's websocket does not reach the gevent port 8072",
	 {{"Couldn't bind the websocket", NULL, 95, DX_ANY, NULL},
	  {"/websocket", "WebSocket connection to '[^']*/websocket' failed", 80, DX_ANY, NULL},
	  {"/websocket", "/websocket[^ ]* HTTP/[0-9.]+\" (400|404|502)", 80, DX_ANY, NULL},
	  {"/longpolling/", "/longpolling/[^ ]* HTTP/[0-9.]+\" (404|502)", 75, DX_ANY, NULL}},
	 "With workers > 0 Odoo serves /websocket (16+; /longpolling before) from its gevent process on 8072; the route "
	 "sends it to 8069, the proxy drops the Upgrade headers, or it closes idle connections after 60 s.",
	 "Route /websocket to the Service port for 8072 (ingress-nginx forwards Upgrade itself; set proxy-read-timeout and "
	 "proxy-send-timeout to 3600), and on a DigitalOcean load balancer raise http-idle-timeout-seconds.",
	 NULL,
	 {NULL}},
	{"cert-challenge-pending", "tls", DX_CAUSE, "cert-manager cannot complete the ACME challenge",
	 {{"Waiting for HTTP-01 challenge propagation", NULL, 90, DX_ANY, NULL},
	  {"Waiting for DNS-01 challenge propagation", NULL, 90, DX_ANY, NULL},
	  {"no configured challenge solvers", NULL, 90, DX_ANY, NULL},
	  {"acme: authorization error", NULL, 85, DX_ANY, NULL}},
	 "Let's Encrypt cannot fetch http://<host>/.well-known/acme-challenge/...: the DNS record does not point at the load "
	 "balancer yet, port 80 redirects to HTTPS, the solver uses another ingress class, or on DOKS the self-check goes "
	 "through the load balancer's hairpin and fails.",
	 "Point the A record at the load balancer, leave port 80 open to the solver, give the issuer's http01 solver the "
	 "controller's ingressClassName, and on DOKS set service.beta.kubernetes.io/do-loadbalancer-hostname on the "
	 "controller's Service.",
	 "kubectl describe challenge -A; kubectl describe certificate -A",
	 {NULL}},
	/* --- Keycloak --- */
	{"keycloak-hostname", "keycloak", DX_CAUSE, "Keycloak's production start has no hostname",
	 {{"Strict hostname resolution configured but no hostname setting provided", NULL, 95, DX_ANY, NULL},
	  {"hostname is not configured; either configure hostname", NULL, 95, DX_ANY, NULL}},
	 "Keycloak's production start (start, or the operator) requires a hostname: strict hostname checking is on by "
	 "default and none is set.",
	 "Set KC_HOSTNAME to the public URL (https://auth.example.com), or spec.hostname.hostname in the Keycloak CR; "
	 "KC_HOSTNAME_STRICT=false is for testing only.",
	 NULL,
	 {NULL}},
	{"keycloak-no-tls", "keycloak", DX_CAUSE, "Keycloak has neither a certificate nor HTTP enabled",
	 {{"Key material not provided to setup HTTPS", NULL, 95, DX_ANY, NULL}},
	 "Keycloak started in production mode with no TLS certificate and HTTP off. Behind an ingress or load balancer that "
	 "terminates TLS it must listen on plain HTTP; KC_PROXY=edge used to enable that, and KC_PROXY_HEADERS, which "
	 "replaced it (KC_PROXY was removed in 26), does not.",
	 "Set KC_HTTP_ENABLED=true with KC_PROXY_HEADERS=xforwarded behind a TLS-terminating proxy, or mount a certificate "
	 "(KC_HTTPS_CERTIFICATE_FILE and KC_HTTPS_CERTIFICATE_KEY_FILE).",
	 NULL,
	 {NULL}},
	{"keycloak-https-required", "keycloak", DX_CAUSE, "Keycloak answers \"HTTPS required\"",
	 {{"HTTPS required", NULL, 85, DX_ANY, NULL}},
	 "Keycloak thinks the request came over plain HTTP: the realm requires SSL for external requests and the proxy's "
	 "X-Forwarded-Proto is ignored because proxy headers are not enabled.",
	 "Set KC_PROXY_HEADERS=xforwarded (the ingress sends X-Forwarded-*); do not turn sslRequired off.",
	 NULL,
	 {NULL}},
	{"keycloak-build-mismatch", "keycloak", DX_CAUSE, "Keycloak's build options differ from the optimized image's",
	 {{"build time options have values that differ from what is persisted", NULL, 90, DX_ANY, NULL}},
	 "start --optimized runs with build options (KC_DB, KC_HEALTH_ENABLED, KC_FEATURES, ...) other than those kc.sh "
	 "build baked into the image; Keycloak 26 fails instead of warning.",
	 "Build the image with the same options (RUN kc.sh build with the same KC_* variables), or start without "
	 "--optimized.",
	 NULL,
	 {NULL}},
	/* --- Odoo with several replicas --- */
	{"odoo-session-expired", "odoo", DX_CAUSE, "Odoo sessions expire at random (replicas on separate volumes)",
	 {{"SessionExpiredException", NULL, 80, DX_ANY, NULL},
	  {"Session expired", NULL, 70, DX_ANY, NULL}},
	 "Odoo keeps sessions as files in its data directory (sessions/). With several replicas on separate volumes, a "
	 "request served by another pod finds no session and the user is logged out.",
	 "Share the data directory (a ReadWriteMany volume), run one replica, keep sessions in the database or Redis (an "
	 "addon), or pin users to a pod at the ingress (cookie affinity).",
	 "the Odoo Deployment's replicas and its data volume's access mode",
	 {NULL}},
	{NULL, NULL, DX_CAUSE, NULL, {{NULL, NULL, 0, 0, NULL}}, NULL, NULL, NULL, {NULL}},
};

size_t dx_kb_count(void)
{
	size_t n = 0;

	while (dx_kb[n].id)
		n++;
	return n;
}

const struct dx_entry *dx_kb_find(const char *id)
{
	for (const struct dx_entry *e = dx_kb; e->id; e++)
		if (strcmp(e->id, id) == 0)
			return e;
	return NULL;
}

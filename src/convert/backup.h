/* What the backup CronJob (backup.c) and the restore Job (restore.c) share.
 * Internal to src/convert. */
#ifndef KG_CONVERT_BACKUP_H
#define KG_CONVERT_BACKUP_H

#include "convert/context.h"

#define BACKUP_AWS_IMAGE "amazon/aws-cli:2.17.0"

/* The image that runs pg_dump, pg_restore and the scripts' bash. */
const char *backup_tools_image(struct cv *cv);
/* The endpoint, bucket, prefix and keys of the object storage. */
void backup_s3_env(struct cv *cv, struct ynode *env, const char *bucket, const char *prefix);
/* PGHOST, PGUSER and PGPASSWORD of the superuser. */
void backup_pg_env(struct cv *cv, struct ynode *env);
/* A container in `list` running bash -c SCRIPT. */
struct ynode *backup_container(struct cv *cv, struct ynode *list, const char *name, const char *image,
			      const char *script);
/* The scratch volume ("backup" or "restore", at /NAME, its path in
 * BACKUP_DIR or RESTORE_DIR), /tmp, the filestore at /filestore (in
 * FILESTORE_DIR), and the restricted security context. */
void backup_folders(struct cv *cv, struct ynode *c, const char *scratch, bool scratch_ro, bool filestore_ro);
/* The pod template's labels, restart policy, ServiceAccount and security
 * context (user, group and fsGroup uid); returns the pod spec. */
struct ynode *backup_pod(struct cv *cv, struct ynode *tmpl, const char *restart_policy, int uid);
/* The Odoo filestore claim as the volume "filestore". */
void backup_filestore_volume(struct kb *kb, struct ynode *vols, bool read_only);

#endif

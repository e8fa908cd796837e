/* The scripts of the backup CronJob and the restore Job (backup_scripts.c
 * describes the layout of a backup in the bucket). */
#ifndef KG_CONVERT_BACKUP_SCRIPTS_H
#define KG_CONVERT_BACKUP_SCRIPTS_H

extern const char backup_dump_script[];
extern const char backup_upload_script[];
extern const char restore_fetch_script[];
extern const char restore_apply_script[];

#endif

/* verify's report: text for people, JSON for programs. */
#include "migrate/migrate.h"

#include <stdlib.h>
#include <string.h>

#include "util/json.h"

void vreport_free(struct vreport *rep)
{
	for (size_t k = 0; k < rep->ndbs; k++) {
		struct vdb *db = &rep->dbs[k];

		for (size_t i = 0; i < db->ntables; i++) {
			free(db->tables[i].qname);
			free(db->tables[i].note);
			for (size_t j = 0; j < db->tables[i].nkeys; j++)
				free(db->tables[i].keys[j]);
			free(db->tables[i].keys);
		}
		free(db->tables);
		for (size_t i = 0; i < db->ndiffs; i++) {
			free(db->diffs[i].kind);
			free(db->diffs[i].item);
			free(db->diffs[i].detail);
		}
		free(db->diffs);
		free(db->src_db);
		free(db->dst_db);
	}
	memset(rep, 0, sizeof(*rep));
}

size_t vdb_differences(const struct vdb *db)
{
	size_t n = db->ndiffs + db->more_diffs;

	/* a table whose contents differ is a difference too */
	for (size_t i = 0; i < db->ntables; i++)
		n += !db->tables[i].match;
	return n;
}

void vreport_text(const struct vreport *rep, struct buf *b)
{
	for (size_t k = 0; k < rep->ndbs; k++) {
		const struct vdb *db = &rep->dbs[k];
		size_t same = 0, ndiff = vdb_differences(db);
		long long rows = 0;

		for (size_t i = 0; i < db->ntables; i++) {
			same += db->tables[i].match;
			rows += db->tables[i].src_rows;
		}
		buf_printf(b, "verify %s -> %s: %s: %zu/%zu tables identical (%lld rows), %zu sequences, %zu large objects, %zu difference%s, %.2f s\n",
			   db->src_db, db->dst_db, db->ok ? "OK" : "DIFFERENT", same, db->ntables, rows, db->sequences, db->large_objects,
			   ndiff, ndiff == 1 ? "" : "s", db->seconds);
		for (size_t i = 0; i < db->ntables; i++) {
			const struct vtable *vt = &db->tables[i];

			if (vt->match)
				continue;
			buf_printf(b, "  table %s: source %lld rows, target %lld rows, contents differ\n", vt->qname,
				   vt->src_rows, vt->dst_rows);
			for (size_t j = 0; j < vt->nkeys; j++)
				buf_printf(b, "    key %s\n", vt->keys[j]);
			if (vt->more_keys)
				buf_printf(b, "    ... and %zu more keys\n", vt->more_keys);
			if (vt->note)
				buf_printf(b, "    %s\n", vt->note);
		}
		for (size_t i = 0; i < db->ndiffs; i++)
			buf_printf(b, "  %s %s: %s\n", db->diffs[i].kind, db->diffs[i].item,
				   db->diffs[i].detail ? db->diffs[i].detail : "");
		if (db->more_diffs)
			buf_printf(b, "  ... and %zu more differences\n", db->more_diffs);
	}
}

static void vtable_json(const struct vtable *vt, struct json *j)
{
	json_object(j);
	json_member_str(j, "table", vt->qname);
	json_member_int(j, "source_rows", vt->src_rows);
	json_member_int(j, "target_rows", vt->dst_rows);
	json_member_bool(j, "identical", vt->match);
	json_key(j, "keys");
	json_array(j);
	for (size_t i = 0; i < vt->nkeys; i++)
		json_str(j, vt->keys[i]);
	json_end(j);
	json_member_uint(j, "more_keys", vt->more_keys);
	json_member_str(j, "note", vt->note);
	json_end(j);
}

static void vdb_json(const struct vdb *db, struct json *j)
{
	json_object(j);
	json_member_str(j, "source", db->src_db);
	json_member_str(j, "target", db->dst_db);
	json_member_bool(j, "ok", db->ok);
	json_member_fixed(j, "seconds", db->seconds, 3);
	json_member_uint(j, "sequences", db->sequences);
	json_member_uint(j, "large_objects", db->large_objects);
	json_key(j, "tables");
	json_array(j);
	for (size_t i = 0; i < db->ntables; i++)
		vtable_json(&db->tables[i], j);
	json_end(j);
	json_key(j, "differences");
	json_array(j);
	for (size_t i = 0; i < db->ndiffs; i++) {
		json_object(j);
		json_member_str(j, "kind", db->diffs[i].kind);
		json_member_str(j, "item", db->diffs[i].item);
		json_member_str(j, "detail", db->diffs[i].detail ? db->diffs[i].detail : "");
		json_end(j);
	}
	json_end(j);
	json_member_uint(j, "more_differences", db->more_diffs);
	json_end(j);
}

void vreport_json(const struct vreport *rep, struct buf *b)
{
	struct json j;

	json_init(&j, b, false);
	json_object(&j);
	json_member_bool(&j, "ok", rep->ok);
	json_key(&j, "databases");
	json_array(&j);
	for (size_t k = 0; k < rep->ndbs; k++)
		vdb_json(&rep->dbs[k], &j);
	json_end(&j);
	json_end(&j);
	buf_putc(b, '\n');
}

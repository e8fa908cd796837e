/* Image references: name, tag, version, and the role of official images. */
#include "facts/image.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Image names (last path component) of the images kgenius knows. */
static const struct {
	const char *image;
	enum role role;
} role_table[] = {
	{"odoo", ROLE_ODOO},
	{"postgres", ROLE_POSTGRES},
	{"postgis", ROLE_POSTGRES},
	{"keycloak", ROLE_KEYCLOAK},
	{"traefik", ROLE_TRAEFIK},
	{NULL, ROLE_OTHER},
};

void image_parse(struct arena *a, const char *ref, struct image *img)
{
	const char *slash = strrchr(ref, '/');
	const char *name = slash ? slash + 1 : ref;
	const char *colon = strchr(name, ':');
	const char *at = strchr(name, '@');
	const char *t;

	memset(img, 0, sizeof(*img));
	img->ref = ref;
	img->name = arena_strndup(a, name, colon ? (size_t)(colon - name) : at ? (size_t)(at - name) : strlen(name));
	img->tag = colon ? arena_strdup(a, colon + 1) : "latest";
	img->major = img->minor = -1;
	t = img->tag ? img->tag : "";
	if (isdigit((unsigned char)t[0])) {
		char *end;
		img->major = (int)strtol(t, &end, 10);
		img->minor = *end == '.' && isdigit((unsigned char)end[1]) ? (int)strtol(end + 1, NULL, 10) : 0;
	}
	img->alpine = strstr(t, "alpine") != NULL;
}

bool image_official(const struct image *img)
{
	/* Docker Hub and the public mirrors of its official images. */
	static const char *const prefixes[] = {"", "library/", "docker.io/library/", "index.docker.io/library/",
					       "registry-1.docker.io/library/", "mirror.gcr.io/", "mirror.gcr.io/library/",
					       "public.ecr.aws/docker/library/", NULL};
	size_t repo_len;
	char repo[256];

	if (!img->name || !img->ref)
		return false;
	/* The repository is the reference without "@digest" and ":tag"; a tag's
	 * colon comes after the last slash (a registry port's comes before). */
	repo_len = strcspn(img->ref, "@");
	if (repo_len >= sizeof(repo))
		return false;
	memcpy(repo, img->ref, repo_len);
	repo[repo_len] = '\0';
	if (strrchr(repo, ':') && strrchr(repo, ':') > (strrchr(repo, '/') ? strrchr(repo, '/') : repo))
		*strrchr(repo, ':') = '\0';
	if (strcmp(img->name, "keycloak") == 0)
		return strcmp(repo, "quay.io/keycloak/keycloak") == 0;
	if (strcmp(img->name, "postgis") == 0)
		return strcmp(repo, "postgis/postgis") == 0;
	/* the repository is one of the prefixes followed by the name */
	for (const char *const *p = prefixes; *p; p++) {
		size_t plen = strlen(*p);

		if (strncmp(repo, *p, plen) == 0 && strcmp(repo + plen, img->name) == 0)
			return true;
	}
	return false;
}

enum role image_role(const struct image *img)
{
	if (!image_official(img))
		return ROLE_OTHER;
	for (size_t i = 0; role_table[i].image; i++)
		if (strcmp(img->name, role_table[i].image) == 0)
			return role_table[i].role;
	return ROLE_OTHER;
}

enum role image_ref_role(const char *ref, struct image *img, struct arena *scratch)
{
	if (!ref) {
		memset(img, 0, sizeof(*img));
		img->major = img->minor = -1;
		return ROLE_OTHER;
	}
	image_parse(scratch, ref, img);
	return image_role(img);
}

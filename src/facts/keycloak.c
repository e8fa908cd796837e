/* Keycloak's facts (quay.io/keycloak/keycloak). Sources beside each fact. */
#include "facts/facts.h"

#include <string.h>

#define KEYCLOAK_NEWEST_MAJOR 26
#define KEYCLOAK_NEWEST_MINOR 4

const struct keycloak_constants keycloak_constants = {
	/* EXPOSE 8080 in https://github.com/keycloak/keycloak/blob/main/quarkus/container/Dockerfile */
	.http_port = 8080,
	.management_port = 9000,   /* https://www.keycloak.org/server/management-interface */
	/* db-pool-max-size default 100: https://www.keycloak.org/server/all-config */
	.default_db_pool = 100,
	.repository = "quay.io/keycloak/keycloak",
	/* JGroups TCP and failure detection: https://www.keycloak.org/server/caching */
	.jgroups_port = 7800,
	.jgroups_fd_port = 57800,
	/* https://www.keycloak.org/observability/health */
	.health_started = "/health/started",
	.health_ready = "/health/ready",
	.health_live = "/health/live",
};

void keycloak_facts(const struct image *img, struct keycloak_facts *f)
{
	int major = img->major > 0 ? img->major : KEYCLOAK_NEWEST_MAJOR;
	int minor = img->major > 0 ? img->minor : KEYCLOAK_NEWEST_MINOR;

	memset(f, 0, sizeof(*f));
	/* USER 1000 (group 0) in
	 * https://github.com/keycloak/keycloak/blob/main/quarkus/container/Dockerfile */
	f->uid = 1000;
	/* "In Keycloak 17 the default distribution is now powered by Quarkus":
	 * https://github.com/keycloak/keycloak/blob/main/docs/guides/migration/migrating-to-quarkus.adoc */
	f->quarkus = major >= 17;
	/* 24 deprecated KC_PROXY for KC_PROXY_HEADERS
	 * (https://github.com/codecentric/helm-charts/issues/751), 26 removed it:
	 * https://github.com/keycloak/keycloak/blob/main/docs/documentation/upgrading/topics/changes/changes-26_0_0.adoc */
	f->proxy_headers = major >= 24;
	f->proxy_option = major < 26;
	/* Before 24 KC_PROXY=edge is the only way to trust X-Forwarded-* and
	 * serve HTTP behind a TLS-terminating proxy; in 24 proxy-headers "takes
	 * precedence over the deprecated proxy option"
	 * (https://docs.redhat.com/en/documentation/red_hat_build_of_keycloak/24.0/html/server_guide/reverseproxy-relevant-options),
	 * so 17 to 24 get both where both exist. */
	f->proxy_edge = major < 25;
	/* 25 moved health to the management port and made hostname v2 the
	 * default: https://keycloak.org/docs/25.0.0/upgrading */
	f->management_port = major >= 25;
	f->hostname_v2 = major >= 25;
	/* Metrics follow health to the management interface:
	 * https://www.keycloak.org/server/configuration-metrics */
	f->metrics_port = f->management_port ? keycloak_constants.management_port : keycloak_constants.http_port;
	/* 26 renamed the first admin's variables (KC_BOOTSTRAP_ADMIN_*), the
	 * same changes-26_0_0.adoc; https://www.keycloak.org/server/containers */
	f->bootstrap_admin = major >= 26;
	/* 26.1 made jdbc-ping the default stack:
	 * https://github.com/keycloak/keycloak/blob/main/docs/documentation/upgrading/topics/changes/changes-26_1_0.adoc */
	f->jdbc_ping = major > 26 || (major == 26 && minor >= 1);
	f->admin_user_var = f->bootstrap_admin ? "KC_BOOTSTRAP_ADMIN_USERNAME" : "KEYCLOAK_ADMIN";
	f->admin_password_var = f->bootstrap_admin ? "KC_BOOTSTRAP_ADMIN_PASSWORD" : "KEYCLOAK_ADMIN_PASSWORD";
}

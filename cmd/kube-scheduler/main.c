/*
 * kube-scheduler: flags and --config into the configuration, the client,
 * the health and metrics server on the secure port, leader election, then
 * the scheduler (pkg/scheduler) until a signal.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth/pki.h"
#include "client/client.h"
#include "scheduler/scheduler.h"
#include "util/cancel.h"
#include "util/flags.h"
#include "util/http_server.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/limits.h"
#include "util/scavenger.h"
#include "util/signal.h"
#include "util/str.h"
#include "util/uuid.h"

struct health {
	struct ck_scheduler *sched;
	struct ck_metrics *metrics;
};

static void serve(void *data, struct ck_http_request *req)
{
	struct health *h = data;
	const char *path = ck_http_request_path(req);
	if (ck_streq(path, "/healthz") || ck_streq(path, "/livez")) {
		ck_http_respond(req, 200, "text/plain; charset=utf-8", "ok", 2);
	} else if (ck_streq(path, "/readyz")) {
		if (ck_scheduler_synced(h->sched)) {
			ck_http_respond(req, 200, "text/plain; charset=utf-8", "ok", 2);
		} else {
			static const char msg[] = "[-]sched-handler-sync failed: reason withheld\n"
						  "readyz check failed\n";
			ck_http_respond(req, 500, "text/plain; charset=utf-8", msg,
					sizeof(msg) - 1);
		}
	} else if (ck_streq(path, "/metrics")) {
		struct ck_buf b;
		ck_buf_init(&b, 0);
		ck_metrics_write(h->metrics, &b);
		ck_http_respond_buf(req, 200, CK_METRICS_CONTENT_TYPE, &b);
		ck_buf_release(&b);
	} else {
		ck_http_respond(req, 404, "text/plain; charset=utf-8", "404 page not found\n", 19);
	}
}

struct run_ctx {
	struct ck_scheduler *sched;
	struct ck_cancel *stop;
};

static void started_leading(void *ctx, struct ck_cancel *leading)
{
	struct run_ctx *rc = ctx;
	ck_log_info("started leading");
	ck_scheduler_run(rc->sched, leading);
}

static void stopped_leading(void *ctx)
{
	struct run_ctx *rc = ctx;
	if (!ck_cancel_fired(rc->stop))
		ck_log_fatal("leaderelection lost");
}

static void *signal_watcher(void *arg)
{
	ck_signal_wait();
	ck_cancel_fire(arg);
	return NULL;
}

static bool flag_given(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		while (*a == '-')
			a++;
		if (a != argv[i] && strncmp(a, name, n) == 0 && (a[n] == '\0' || a[n] == '='))
			return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	const char *config_file = NULL, *kubeconfig = NULL, *master = NULL;
	const char *bind_address = "0.0.0.0", *cert_dir = NULL, *tls_cert = NULL, *tls_key = NULL;
	const char *lease_ns = NULL, *lease_name = NULL;
	int secure_port = 10259;
	bool leader_elect = true;
	int64_t lease_duration = 0, renew_deadline = 0, retry_period = 0;
	int qps = 0, burst = 0;
	const struct ck_flag flags[] = {
		{ "config", CK_FLAG_STRING, &config_file, "The path to the configuration file." },
		{ "kubeconfig", CK_FLAG_STRING, &kubeconfig,
		  "Path to kubeconfig file with authorization and master location information." },
		{ "master", CK_FLAG_STRING, &master,
		  "The address of the Kubernetes API server (overrides any value in kubeconfig)." },
		{ "kube-api-qps", CK_FLAG_INT, &qps,
		  "QPS to use while talking with kubernetes apiserver." },
		{ "kube-api-burst", CK_FLAG_INT, &burst,
		  "Burst to use while talking with kubernetes apiserver." },
		{ "bind-address", CK_FLAG_STRING, &bind_address,
		  "The IP address on which to listen for the --secure-port port." },
		{ "secure-port", CK_FLAG_INT, &secure_port,
		  "The port on which to serve HTTPS with authentication and authorization. If 0, "
		  "don't serve HTTPS at all." },
		{ "cert-dir", CK_FLAG_STRING, &cert_dir,
		  "The directory where the TLS certs are located (self-signed when none given)." },
		{ "tls-cert-file", CK_FLAG_STRING, &tls_cert,
		  "File containing the default x509 Certificate for HTTPS." },
		{ "tls-private-key-file", CK_FLAG_STRING, &tls_key,
		  "File containing the default x509 private key matching --tls-cert-file." },
		{ "leader-elect", CK_FLAG_BOOL, &leader_elect,
		  "Start a leader election client and gain leadership before executing the main "
		  "loop." },
		{ "leader-elect-lease-duration", CK_FLAG_DURATION, &lease_duration,
		  "The duration that non-leader candidates will wait after observing a leadership "
		  "renewal until attempting to acquire leadership." },
		{ "leader-elect-renew-deadline", CK_FLAG_DURATION, &renew_deadline,
		  "The interval between attempts by the acting master to renew a leadership "
		  "slot." },
		{ "leader-elect-retry-period", CK_FLAG_DURATION, &retry_period,
		  "The duration the clients should wait between attempting acquisition and renewal "
		  "of a leadership." },
		{ "leader-elect-resource-namespace", CK_FLAG_STRING, &lease_ns,
		  "The namespace of resource object that is used for locking during leader "
		  "election." },
		{ "leader-elect-resource-name", CK_FLAG_STRING, &lease_name,
		  "The name of resource object that is used for locking during leader election." },
		{ 0 },
	};
	if (ck_flags_parse("kube-scheduler", flags, argc, argv, NULL) < 0)
		return 1;
	if (ck_signal_setup() < 0)
		ck_log_fatal("unable to set up signal handlers");

	struct ck_sched_config cfg;
	char *err = NULL;
	int r = config_file ? ck_sched_config_load_file(config_file, &cfg, &err)
			    : ck_sched_config_from_json(NULL, &cfg, &err);
	if (r < 0) {
		fprintf(stderr, "E: %s\n", err ? err : "invalid configuration");
		return 1;
	}
	/* Flags given on the command line win over the file. */
	if (kubeconfig) {
		free(cfg.kubeconfig);
		cfg.kubeconfig = ck_strdup(kubeconfig);
	}
	if (flag_given(argc, argv, "leader-elect"))
		cfg.leader_elect = leader_elect;
	if (lease_duration)
		cfg.lease_duration_ms = lease_duration;
	if (renew_deadline)
		cfg.renew_deadline_ms = renew_deadline;
	if (retry_period)
		cfg.retry_period_ms = retry_period;
	if (lease_ns) {
		free(cfg.lease_namespace);
		cfg.lease_namespace = ck_strdup(lease_ns);
	}
	if (lease_name) {
		free(cfg.lease_name);
		cfg.lease_name = ck_strdup(lease_name);
	}
	if (qps)
		cfg.qps = qps;
	if (burst)
		cfg.burst = burst;

	struct ck_client_config cc;
	struct ck_kubeconfig_loading_rules rules = { .explicit_path = cfg.kubeconfig };
	struct ck_kubeconfig_overrides ov = { .server = master };
	if (ck_client_config_load(&rules, &ov, NULL, &cc, NULL, NULL, &err) < 0)
		ck_log_fatal("invalid kubeconfig: %s", err ? err : "");
	cc.qps = cfg.qps;
	cc.burst = cfg.burst;
	struct ck_client *client;
	if (ck_client_new(&cc, &client, &err) < 0)
		ck_log_fatal("unable to make a client: %s", err ? err : "");
	ck_client_config_release(&cc);

	bool elect = cfg.leader_elect;
	char *lns = ck_strdup(cfg.lease_namespace), *lname = ck_strdup(cfg.lease_name);
	int64_t ld = cfg.lease_duration_ms, rd = cfg.renew_deadline_ms, rp = cfg.retry_period_ms;
	struct ck_metrics *metrics = ck_metrics_new();
	struct ck_scheduler *sched;
	if ((r = ck_scheduler_new(&cfg, client, metrics, &sched)) < 0)
		ck_log_fatal("unable to start the scheduler: %s", strerror(-r));

	struct health h = { sched, metrics };
	struct ck_http_server *srv = NULL;
	char *cert_path = NULL, *key_path = NULL;
	if (secure_port > 0) {
		if (!tls_cert || !tls_key) {
			static const char *const dns[] = { "localhost", NULL };
			static const char *const ips[] = { "127.0.0.1", NULL };
			const char *dir = cert_dir ? cert_dir : "/var/run/kubernetes";
			if ((r = ck_pki_ensure_self_signed(dir, "kube-scheduler", "localhost", dns,
							   ips, &cert_path, &key_path)) < 0)
				ck_log_fatal("unable to make a serving certificate in '%s': %s",
					     dir, strerror(-r));
			tls_cert = cert_path;
			tls_key = key_path;
		}
		struct ck_http_server_config hc = { .bind_address = bind_address,
						    .port = secure_port,
						    .tls_cert_file = tls_cert,
						    .tls_key_file = tls_key,
						    .threads = 2,
						    .handler = serve,
						    .data = &h };
		if ((r = ck_http_server_start(&hc, &srv)) < 0)
			ck_log_fatal("unable to listen on %s:%d: %s", bind_address, secure_port,
				     strerror(-r));
		ck_log_info("serving securely on %s:%d", bind_address, ck_http_server_port(srv));
	}

	struct ck_cancel stop;
	ck_cancel_init(&stop);
	pthread_t watcher;
	pthread_create(&watcher, NULL, signal_watcher, &stop);
	if (ck_scavenger_start(CK_SCAVENGE_INTERVAL_MS) < 0)
		ck_log_warn("unable to start the memory scavenger");
	if (elect) {
		char host[200] = "", uuid[CK_UUID_BUF], id[256];
		gethostname(host, sizeof(host) - 1);
		ck_uuid_v4(uuid);
		snprintf(id, sizeof(id), "%s_%s", host, uuid);
		struct run_ctx rc = { sched, &stop };
		struct ck_leader_election_config lc = { .client = client,
							.lease_namespace = lns,
							.lease_name = lname,
							.identity = id,
							.lease_duration_ms = ld,
							.renew_deadline_ms = rd,
							.retry_period_ms = rp,
							.release_on_cancel = true,
							.on_started_leading = started_leading,
							.on_stopped_leading = stopped_leading,
							.ctx = &rc };
		struct ck_leader_elector *le;
		if (ck_leader_elector_new(&lc, &le, &err) < 0)
			ck_log_fatal("invalid leader election configuration: %s", err ? err : "");
		ck_log_info("attempting to acquire leader lease %s/%s as '%s'", lns, lname, id);
		ck_leader_elector_run(le, &stop);
		ck_leader_elector_free(le);
	} else {
		ck_scheduler_run(sched, &stop);
	}
	ck_log_info("shutting down");
	ck_scavenger_stop();
	pthread_join(watcher, NULL);
	ck_http_server_stop(srv);
	ck_scheduler_free(sched);
	ck_metrics_free(metrics);
	ck_client_free(client);
	ck_cancel_release(&stop);
	free(cert_path);
	free(key_path);
	free(lns);
	free(lname);
	return 0;
}

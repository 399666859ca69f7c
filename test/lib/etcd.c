#include "etcd.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"
#include "runner.h"

#define ETCD_BIN "/usr/bin/etcd"
#define MAX_ARGS 64
#define START_ATTEMPTS 5

struct ck_test_etcd {
	pid_t pid;
	char dir[256];
	char data_dir[300];
	char log_file[300];
	char endpoint[64];
	char ca[300], cert[300], key[300];
	char server_flags[3][320];
	bool tls;
	int client_port, peer_port, metrics_port;
	const char *extra[MAX_ARGS];
	size_t n_extra;
};

static int run_quiet(const char *cmd)
{
	int st = system(cmd);
	return st == 0 ? 0 : -EIO;
}

static int make_certs(struct ck_test_etcd *e)
{
	char cmd[4096];
	FILE *f;
	char ext[300];

	snprintf(ext, sizeof(ext), "%s/ext.cnf", e->dir);
	if (!(f = fopen(ext, "w")))
		return -errno;
	fprintf(f, "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
		   "extendedKeyUsage=serverAuth,clientAuth\n");
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "(cd '%s' && "
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
		 "-keyout ca.key -out ca.crt -days 2 -subj /CN=ck-test-ca && "
		 "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
		 "-keyout server.key -out server.csr -subj /CN=etcd && "
		 "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
		 "-out server.crt -days 2 -extfile ext.cnf && "
		 "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
		 "-keyout client.key -out client.csr -subj /CN=ck-client && "
		 "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
		 "-out client.crt -days 2 -extfile ext.cnf) >'%s/openssl.log' 2>&1",
		 e->dir, e->dir);
	if (run_quiet(cmd) < 0)
		return -EIO;
	snprintf(e->ca, sizeof(e->ca), "%s/ca.crt", e->dir);
	snprintf(e->cert, sizeof(e->cert), "%s/client.crt", e->dir);
	snprintf(e->key, sizeof(e->key), "%s/client.key", e->dir);
	return 0;
}

/* GET /health on the plain-HTTP metrics port; true when etcd says healthy. */
static bool healthy(const struct ck_test_etcd *e)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	char buf[2048];
	size_t got = 0;
	bool ok = false;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd == -1)
		return false;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)e->metrics_port);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == -1)
		goto out;
	const char req[] = "GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
	if (write(fd, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1))
		goto out;
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 1000) <= 0)
			goto out;
		ssize_t n = read(fd, buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == sizeof(buf) - 1)
			break;
	}
	buf[got] = '\0';
	ok = strstr(buf, " 200 ") && strstr(buf, "\"health\":\"true\"");
out:
	close(fd);
	return ok;
}

static int spawn(struct ck_test_etcd *e)
{
	char client_url[64], peer_url[64], metrics_url[64], cluster[96], token[64];
	const char *argv[MAX_ARGS * 2];
	size_t n = 0;
	pid_t parent = getpid();

	snprintf(client_url, sizeof(client_url), "%s://127.0.0.1:%d", e->tls ? "https" : "http",
		 e->client_port);
	snprintf(peer_url, sizeof(peer_url), "http://127.0.0.1:%d", e->peer_port);
	snprintf(metrics_url, sizeof(metrics_url), "http://127.0.0.1:%d", e->metrics_port);
	snprintf(cluster, sizeof(cluster), "ck-test=%s", peer_url);
	snprintf(token, sizeof(token), "ck-test-%d", (int)parent);
	snprintf(e->endpoint, sizeof(e->endpoint), "%s", client_url);

	argv[n++] = ETCD_BIN;
	argv[n++] = "--name=ck-test";
	argv[n++] = "--data-dir";
	argv[n++] = e->data_dir;
	argv[n++] = "--listen-client-urls";
	argv[n++] = client_url;
	argv[n++] = "--advertise-client-urls";
	argv[n++] = client_url;
	argv[n++] = "--listen-peer-urls";
	argv[n++] = peer_url;
	argv[n++] = "--initial-advertise-peer-urls";
	argv[n++] = peer_url;
	argv[n++] = "--initial-cluster";
	argv[n++] = cluster;
	argv[n++] = "--initial-cluster-token";
	argv[n++] = token;
	argv[n++] = "--listen-metrics-urls";
	argv[n++] = metrics_url;
	argv[n++] = "--logger=zap";
	argv[n++] = "--log-outputs=stderr";
	if (e->tls) {
		snprintf(e->server_flags[0], sizeof(e->server_flags[0]),
			 "--cert-file=%s/server.crt", e->dir);
		snprintf(e->server_flags[1], sizeof(e->server_flags[1]), "--key-file=%s/server.key",
			 e->dir);
		snprintf(e->server_flags[2], sizeof(e->server_flags[2]),
			 "--trusted-ca-file=%s/ca.crt", e->dir);
		argv[n++] = e->server_flags[0];
		argv[n++] = e->server_flags[1];
		argv[n++] = e->server_flags[2];
		argv[n++] = "--client-cert-auth";
	}
	for (size_t i = 0; i < e->n_extra; i++)
		argv[n++] = e->extra[i];
	argv[n] = NULL;

	return ck_test_spawn(argv, e->log_file, &e->pid);
}

/* Waits for health; -EIO (and the log tail) when etcd exited early. */
static int wait_healthy(struct ck_test_etcd *e)
{
	double deadline = ck_test_now_ms() + ck_test_timeout(30) * 1000;
	while (ck_test_now_ms() < deadline) {
		int st;
		if (waitpid(e->pid, &st, WNOHANG) == e->pid) {
			e->pid = 0;
			return -EIO;
		}
		if (healthy(e))
			return 0;
		ck_test_sleep_ms(20);
	}
	return -ETIMEDOUT;
}

/*
 * Removes directories left by test processes that died before freeing
 * their etcd (a failed assertion or a timeout ends a Check child at once;
 * etcd itself dies with it). Each directory names its owner in "owner";
 * only those whose owner is gone are removed.
 */
static void remove_stale_dirs(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		char path[512], owner[600];
		if (strncmp(de->d_name, "ckube-etcd-", 11) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", base, de->d_name);
		snprintf(owner, sizeof(owner), "%s/owner", path);
		FILE *f = fopen(owner, "r");
		int pid = 0;
		if (!f)
			continue;
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
		if (pid > 0 && kill(pid, 0) == -1 && errno == ESRCH)
			ck_test_rmtree(path);
	}
	closedir(d);
}

static const char *default_base(void)
{
	const char *env = getenv("CK_TEST_ETCD_DIR");
	struct stat st;
	if (env && *env)
		return env;
	if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
		return "/dev/shm";
	return "/tmp";
}

int ck_test_etcd_start(const struct ck_test_etcd_options *opts, struct ck_test_etcd **ret)
{
	struct ck_test_etcd *e = calloc(1, sizeof(*e));
	const char *base = opts && opts->base_dir ? opts->base_dir : default_base();
	int r;

	if (!e)
		return -ENOMEM;
	remove_stale_dirs(base);
	snprintf(e->dir, sizeof(e->dir), "%s/ckube-etcd-XXXXXX", base);
	if (!mkdtemp(e->dir)) {
		r = -errno;
		free(e);
		return r;
	}
	char owner[300];
	snprintf(owner, sizeof(owner), "%s/owner", e->dir);
	FILE *of = fopen(owner, "w");
	if (of) {
		fprintf(of, "%d\n", (int)getpid());
		fclose(of);
	}
	snprintf(e->data_dir, sizeof(e->data_dir), "%s/data", e->dir);
	snprintf(e->log_file, sizeof(e->log_file), "%s/etcd.log", e->dir);
	e->tls = opts && opts->tls;
	if (opts && opts->extra_args)
		for (size_t i = 0; opts->extra_args[i] && e->n_extra < MAX_ARGS - 1; i++)
			e->extra[e->n_extra++] = opts->extra_args[i];
	if (e->tls && (r = make_certs(e)) < 0)
		goto fail;
	for (int attempt = 1;; attempt++) {
		int ports[3];
		if ((r = ck_test_free_ports(ports, 3)) < 0)
			goto fail;
		e->client_port = ports[0];
		e->peer_port = ports[1];
		e->metrics_port = ports[2];
		if ((r = spawn(e)) < 0)
			goto fail;
		r = wait_healthy(e);
		if (r == 0)
			break;
		/* A lost port race makes etcd exit at once: try other ports. */
		ck_test_etcd_kill(e);
		if (attempt == START_ATTEMPTS) {
			ck_test_print_log_tail(e->log_file, 20);
			goto fail;
		}
		ck_test_rmtree(e->data_dir);
	}
	*ret = e;
	return 0;
fail:
	ck_test_etcd_free(e);
	return r < 0 ? r : -EIO;
}

const char *ck_test_etcd_endpoint(const struct ck_test_etcd *e)
{
	return e->endpoint;
}

const char *ck_test_etcd_dir(const struct ck_test_etcd *e)
{
	return e->dir;
}

const char *ck_test_etcd_ca_file(const struct ck_test_etcd *e)
{
	return e->tls ? e->ca : NULL;
}

const char *ck_test_etcd_cert_file(const struct ck_test_etcd *e)
{
	return e->tls ? e->cert : NULL;
}

const char *ck_test_etcd_key_file(const struct ck_test_etcd *e)
{
	return e->tls ? e->key : NULL;
}

int ck_test_etcd_pid(const struct ck_test_etcd *e)
{
	return (int)e->pid;
}

int ck_test_etcd_stop(struct ck_test_etcd *e)
{
	int r = ck_test_stop(e->pid, SIGTERM, 10000);
	e->pid = 0;
	return r;
}

int ck_test_etcd_kill(struct ck_test_etcd *e)
{
	int r = ck_test_stop(e->pid, SIGKILL, 60000);
	e->pid = 0;
	return r;
}

int ck_test_etcd_restart(struct ck_test_etcd *e)
{
	int r;
	if ((r = ck_test_etcd_stop(e)) < 0)
		return r;
	if ((r = spawn(e)) < 0)
		return r;
	if ((r = wait_healthy(e)) < 0) {
		ck_test_print_log_tail(e->log_file, 20);
		ck_test_etcd_kill(e);
	}
	return r;
}

void ck_test_etcd_free(struct ck_test_etcd *e)
{
	if (!e)
		return;
	ck_test_etcd_stop(e);
	if (e->pid)
		ck_test_etcd_kill(e);
	ck_test_rmtree(e->dir);
	free(e);
}

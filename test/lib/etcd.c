#include "etcd.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Reserves `n` distinct free loopback ports by binding port 0 at once. */
static int free_ports(int *ports, int n)
{
	int fds[4];
	int r = 0, i;
	for (i = 0; i < n; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET };
		socklen_t len = sizeof(a);
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fds[i] == -1 || bind(fds[i], (struct sockaddr *)&a, sizeof(a)) == -1 ||
		    getsockname(fds[i], (struct sockaddr *)&a, &len) == -1) {
			r = -errno;
			if (fds[i] != -1)
				close(fds[i]);
			break;
		}
		ports[i] = ntohs(a.sin_port);
	}
	while (i-- > 0)
		close(fds[i]);
	return r;
}

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

static void print_log_tail(const struct ck_test_etcd *e)
{
	FILE *f = fopen(e->log_file, "r");
	char line[1024];
	char tail[20][1024];
	int n = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		memcpy(tail[n % 20], line, sizeof(line));
		n++;
	}
	fclose(f);
	fprintf(stderr, "etcd log (%s), last lines:\n", e->log_file);
	for (int i = n > 20 ? n - 20 : 0; i < n; i++)
		fputs(tail[i % 20], stderr);
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

	int logfd = open(e->log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (logfd == -1)
		return -errno;
	pid_t pid = fork();
	if (pid == -1) {
		int r = -errno;
		close(logfd);
		return r;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		int nullfd = open("/dev/null", O_RDONLY);
		if (nullfd != -1)
			dup2(nullfd, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		/* A clean signal mask and dispositions for the daemon. */
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		execv(ETCD_BIN, (char *const *)argv);
		_exit(127);
	}
	close(logfd);
	e->pid = pid;
	return 0;
}

static int reap(struct ck_test_etcd *e, int ms)
{
	for (int waited = 0;; waited += 10) {
		int st;
		pid_t w = waitpid(e->pid, &st, WNOHANG);
		if (w == e->pid || (w == -1 && errno == ECHILD)) {
			e->pid = 0;
			return 0;
		}
		if (waited >= ms)
			return -ETIMEDOUT;
		sleep_ms(10);
	}
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
		sleep_ms(20);
	}
	return -ETIMEDOUT;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
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
			nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
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
		if ((r = free_ports(ports, 3)) < 0)
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
		if (e->pid) {
			kill(e->pid, SIGKILL);
			reap(e, 10000);
		}
		if (attempt == START_ATTEMPTS) {
			print_log_tail(e);
			goto fail;
		}
		nftw(e->data_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
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
	if (!e->pid)
		return 0;
	kill(e->pid, SIGTERM);
	if (reap(e, 10000) == 0)
		return 0;
	kill(e->pid, SIGKILL);
	return reap(e, 60000);
}

int ck_test_etcd_kill(struct ck_test_etcd *e)
{
	if (!e->pid)
		return 0;
	kill(e->pid, SIGKILL);
	return reap(e, 60000);
}

int ck_test_etcd_restart(struct ck_test_etcd *e)
{
	int r;
	if ((r = ck_test_etcd_stop(e)) < 0)
		return r;
	if ((r = spawn(e)) < 0)
		return r;
	if ((r = wait_healthy(e)) < 0) {
		print_log_tail(e);
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
	nftw(e->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(e);
}

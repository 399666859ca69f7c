#include "proc.h"

#include "runner.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
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

void ck_test_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

void ck_test_bin_path(const char *program, char *out, size_t size)
{
	const char *bin = getenv("CK_BIN_DIR");
	char cwd[512] = ".";
	if (!bin)
		bin = "_output/bin";
	if (bin[0] != '/' && !getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), ".");
	if (bin[0] == '/')
		snprintf(out, size, "%s/%s", bin, program);
	else
		snprintf(out, size, "%s/%s/%s", cwd, bin, program);
}

int ck_test_free_ports(int *ports, int n)
{
	int fds[8];
	int r = 0, i;
	if (n > 8)
		return -EINVAL;
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

int ck_test_spawn(const char *const *argv, const char *log_file, pid_t *ret_pid)
{
	pid_t parent = getpid();
	int logfd = open(log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
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
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(logfd);
	*ret_pid = pid;
	return 0;
}

int ck_test_exited(pid_t pid)
{
	int st;
	pid_t w = waitpid(pid, &st, WNOHANG);
	return w == pid || (w == -1 && errno == ECHILD);
}

int ck_test_stop_status(pid_t pid, int sig, int ms, int *ret_status)
{
	int st = 0;
	if (pid <= 0)
		return 0;
	kill(pid, sig);
	for (int waited = 0;; waited += 10) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid || (w == -1 && errno == ECHILD))
			break;
		if (waited >= ms) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return -ETIMEDOUT;
		}
		ck_test_sleep_ms(10);
	}
	if (ret_status)
		*ret_status = st;
	return 0;
}

int ck_test_stop(pid_t pid, int sig, int ms)
{
	ck_test_stop_status(pid, sig, ms, NULL);
	return 0;
}

char *ck_test_mkdtemp(const char *base, const char *prefix)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s-XXXXXX", base ? base : "/tmp", prefix);
	return mkdtemp(path) ? strdup(path) : NULL;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void ck_test_rmtree(const char *path)
{
	if (path)
		nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void ck_test_print_log_tail(const char *log_file, int lines)
{
	FILE *f = fopen(log_file, "r");
	if (!f)
		return;
	char tail[64][512];
	int n = 0;
	if (lines > 64)
		lines = 64;
	while (fgets(tail[n % lines], sizeof(tail[0]), f))
		n++;
	fclose(f);
	fprintf(stderr, "--- last lines of %s ---\n", log_file);
	for (int i = n > lines ? n - lines : 0; i < n; i++)
		fputs(tail[i % lines], stderr);
}

int ck_test_sanitizer_lines(const char *log_file)
{
	static const char *const marks[] = { "ERROR: AddressSanitizer", "runtime error",
					     "LeakSanitizer", "ERROR: UndefinedBehaviorSanitizer" };
	FILE *f = fopen(log_file, "r");
	char line[1024];
	int found = 0;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
			if (strstr(line, marks[i])) {
				if (found++ < 20)
					fprintf(stderr, "%s: %s", log_file, line);
				break;
			}
	fclose(f);
	return found;
}

bool ck_test_child_reported(const char *log_file)
{
	if (ck_test_sanitizer_lines(log_file) <= 0)
		return false;
	const char *record = getenv(CK_TEST_SAN_REPORTS_ENV);
	FILE *f = record ? fopen(record, "a") : NULL;
	if (f) {
		fprintf(f, "%s\n", log_file);
		fclose(f);
	}
	return true;
}

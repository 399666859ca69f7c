#include "util/signal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

static atomic_int stop_count;
static int pipe_fds[2] = { -1, -1 };

static void wake(void)
{
	if (pipe_fds[1] != -1) {
		char c = 1;
		ssize_t w = write(pipe_fds[1], &c, 1);
		(void)w;
	}
}

static void on_signal(int sig)
{
	(void)sig;
	if (atomic_fetch_add(&stop_count, 1) >= 1)
		_exit(1);
	wake();
}

int ck_signal_setup(void)
{
	if (pipe_fds[0] == -1 && pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) == -1)
		return -errno;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1)
		return -errno;
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) == -1)
		return -errno;
	return 0;
}

bool ck_signal_stopping(void)
{
	return atomic_load(&stop_count) > 0;
}

void ck_signal_request_stop(void)
{
	if (atomic_fetch_add(&stop_count, 1) == 0)
		wake();
}

int ck_signal_fd(void)
{
	return pipe_fds[0];
}

void ck_signal_wait(void)
{
	while (!ck_signal_stopping()) {
		struct pollfd p = { .fd = pipe_fds[0], .events = POLLIN };
		if (pipe_fds[0] == -1) {
			usleep(100 * 1000);
			continue;
		}
		if (poll(&p, 1, 1000) == -1 && errno != EINTR)
			usleep(100 * 1000);
	}
}

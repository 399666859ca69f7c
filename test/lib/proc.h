/*
 * Processes and places for tests: free loopback ports, a child started
 * with fork/exec that dies with the test (PR_SET_PDEATHSIG), stopping by
 * PID and reaping, temporary directories removed whole.
 */
#ifndef CK_TEST_PROC_H
#define CK_TEST_PROC_H

#include <stdbool.h>
#include <sys/types.h>

void ck_test_sleep_ms(long ms);

/*
 * The absolute path of a built program: $CK_BIN_DIR/<program>, else
 * _output/bin/<program>, relative paths taken from the current directory
 * (tests run commands from other directories).
 */
void ck_test_bin_path(const char *program, char *out, size_t size);

/* Reserves n (≤ 8) distinct free loopback ports by binding port 0 at once. */
int ck_test_free_ports(int *ports, int n);

/*
 * Starts argv[0] (a path) with argv, stdin from /dev/null, stdout and
 * stderr appended to log_file. The child gets SIGKILL if the test dies.
 * *ret_pid on success; 0 or a negative errno.
 */
int ck_test_spawn(const char *const *argv, const char *log_file, pid_t *ret_pid);

/* Whether pid has exited (and reaps it then). */
int ck_test_exited(pid_t pid);

/*
 * Sends sig (SIGTERM, or SIGKILL for a crash), waits up to ms for the
 * child to exit (then SIGKILL), reaps it. 0 when reaped.
 */
int ck_test_stop(pid_t pid, int sig, int ms);
/*
 * The same, telling how it ended: 0 with the wait status in *ret_status
 * (may be NULL) when the child exited within ms, -ETIMEDOUT when it had to
 * be killed (then reaped too).
 */
int ck_test_stop_status(pid_t pid, int sig, int ms, int *ret_status);

/* A new directory under $TMPDIR-like base (NULL: /tmp), owned path. */
char *ck_test_mkdtemp(const char *base, const char *prefix);
/* Removes a directory tree (NULL-safe). */
void ck_test_rmtree(const char *path);

/* Prints the last lines of a log file to stderr, after a failure. */
void ck_test_print_log_tail(const char *log_file, int lines);

/*
 * Lines a sanitizer (ASan, LSan, UBSan) wrote into a child's log file,
 * the first 20 printed to stderr: 0 when none, -errno when the log cannot
 * be read.
 */
int ck_test_sanitizer_lines(const char *log_file);

/*
 * Called when a child started by the harness has exited: when its log has
 * sanitizer reports, records the log's path for the runner (which then
 * fails the run, see runner.h) and returns true, so the caller keeps the
 * log instead of removing it.
 */
bool ck_test_child_reported(const char *log_file);

#endif

/* Runs a command, its output discarded, and prints "exit cpu_seconds
 * wall_seconds peak_rss_kib" from the child's own rusage (wait4): CPU time
 * and memory hold on a shared machine, wall time does not. Written in C so
 * that the fork copies next to nothing: a child forked from Python would
 * carry Python's resident pages into its peak RSS, which Linux keeps
 * across exec. For make bench and lint.sh's memory bound.
 * Usage: build/rusage [-o FILE] COMMAND [ARGS...] (-o: output to FILE). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	const char *out = "/dev/null";
	struct timespec start, end;
	struct rusage ru;
	int first = 1, status;
	pid_t pid;

	if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		out = argv[2];
		first = 3;
	}
	if (first >= argc) {
		fprintf(stderr, "usage: rusage [-o FILE] COMMAND [ARGS...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	pid = fork();
	if (pid < 0) {
		perror("rusage: fork");
		return 2;
	}
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int null = open("/dev/null", O_WRONLY);

		if (fd < 0 || null < 0 || dup2(fd, 1) < 0 || dup2(null, 2) < 0)
			_exit(127);
		execvp(argv[first], argv + first);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("rusage: wait4");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	printf("%d %.3f %.3f %ld\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	       seconds(ru.ru_utime) + seconds(ru.ru_stime),
	       (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9, ru.ru_maxrss);
	return 0;
}

/* Shared main() for the Check suites: runs one suite, fails on any failure. */
#ifndef MT_CHECK_MAIN_H
#define MT_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

#define MT_CHECK_MAIN(suite_fn)                                                                    \
	int main(void)                                                                             \
	{                                                                                          \
		SRunner *sr = srunner_create(suite_fn());                                          \
		int failed;                                                                        \
		srunner_run_all(sr, CK_NORMAL);                                                    \
		failed = srunner_ntests_failed(sr);                                                \
		srunner_free(sr);                                                                  \
		return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;                                  \
	}

#endif

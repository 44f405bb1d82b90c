/*
 * tests/test_yearinfer.c - the year of BSD time stamps: rollover, leap
 * day, skewed hosts, the DST repeat, anchors.
 */
#include <criterion/criterion.h>

#include "io/envelope.h"
#include "io/yearinfer.h"

static struct year_anchor
anchor(int32_t y, int m, int d)
{
	struct year_anchor a = { ANCHOR_DATEEXT, y, m, d };

	return a;
}

Test(yearinfer, rollover_dec_to_jan)
{
	struct year_anchor a = anchor(2024, 1, 7);
	struct year_walk w;

	year_walk_start(&w, &a, 12, 31, 0);
	cr_assert_eq(year_walk_next(&w, 12), 2023);
	cr_assert_eq(year_walk_next(&w, 12), 2023);
	cr_assert_eq(year_walk_next(&w, 1), 2024);
	cr_assert_eq(year_walk_next(&w, 1), 2024);
	cr_assert_eq(w.rollovers, 1);
}

Test(yearinfer, straggler_from_skewed_host)
{
	struct year_anchor a = anchor(2024, 1, 7);
	struct year_walk w;

	year_walk_start(&w, &a, 12, 31, 0);
	cr_assert_eq(year_walk_next(&w, 12), 2023);
	cr_assert_eq(year_walk_next(&w, 1), 2024);
	/* A second host still logs Dec 31 after the first saw Jan 1. */
	cr_assert_eq(year_walk_next(&w, 12), 2023);
	cr_assert_eq(year_walk_next(&w, 1), 2024);
	cr_assert_eq(w.rollovers, 1);
}

Test(yearinfer, small_backward_steps_never_roll)
{
	struct year_anchor a = anchor(2019, 3, 31);
	struct year_walk w;

	year_walk_start(&w, &a, 2, 28, 0);
	cr_assert_eq(year_walk_next(&w, 2), 2019);
	cr_assert_eq(year_walk_next(&w, 3), 2019);
	cr_assert_eq(year_walk_next(&w, 2), 2019);	/* skew */
	cr_assert_eq(year_walk_next(&w, 3), 2019);
	cr_assert_eq(w.rollovers, 0);
}

Test(yearinfer, dst_repeat_is_not_a_rollover)
{
	struct year_anchor a = anchor(2021, 11, 7);
	struct year_walk w;
	int i;

	year_walk_start(&w, &a, 10, 31, 0);
	/* 02:59 then 02:00 again: same month, no change at all. */
	for (i = 0; i < 4; i++)
		cr_assert_eq(year_walk_next(&w, 10), 2021);
	cr_assert_eq(year_walk_next(&w, 11), 2021);
}

Test(yearinfer, anchor_before_first_line_means_previous_year)
{
	struct year_anchor a = anchor(2024, 3, 10);
	struct year_walk w;

	/* A file that starts in December and ends by March 10. */
	year_walk_start(&w, &a, 12, 3, 0);
	cr_assert_eq(year_walk_next(&w, 12), 2023);
	cr_assert_eq(year_walk_next(&w, 2), 2024);
}

Test(yearinfer, utc_anchor_one_day_slack)
{
	struct year_anchor a;
	struct year_walk w;

	/* mtime 2024-01-01 00:30 +02:00 is Dec 31 in UTC. */
	year_anchor_from_epoch(&a, ANCHOR_MTIME, 1704061800);
	cr_assert_eq(a.year, 2023);
	year_walk_start_last(&w, &a, 1, 1, 0);
	cr_assert_eq(year_walk_next(&w, 1), 2023);
	a = anchor(2024, 1, 1);
	year_walk_start_last(&w, &a, 1, 1, 0);
	cr_assert_eq(year_walk_next(&w, 1), 2024);
}

Test(yearinfer, multi_year_file_from_prescan)
{
	struct year_anchor a = anchor(2020, 6, 30);
	struct year_walk w;
	int state = 0, months[] = { 3, 8, 12, 1, 6, 11, 1, 5, 10, 2, 6 };
	uint32_t roll = 0;
	size_t i;

	for (i = 0; i < sizeof(months) / sizeof(months[0]); i++)
		year_count_step(&state, &roll, months[i]);
	cr_assert_eq(roll, 3);
	year_walk_start_last(&w, &a, 6, 30, roll);
	cr_assert_eq(year_walk_next(&w, 3), 2017);
	for (i = 1; i < sizeof(months) / sizeof(months[0]); i++)
		(void)year_walk_next(&w, months[i]);
	cr_assert_eq(w.year, 2020);
}

Test(yearinfer, leap_day_only_in_leap_years)
{
	struct logtime t = { 0, 2, 29, 12, 0, 0, false, 0, 0 };
	int64_t s;

	cr_assert(logtime_civil(&t, 2024, &s));
	cr_assert_not(logtime_civil(&t, 2023, &s));
	cr_assert_not(logtime_civil(&t, 1900, &s));
	cr_assert(logtime_civil(&t, 2000, &s));
}

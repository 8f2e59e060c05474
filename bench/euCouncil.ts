/**
 * Population of the 27 EU member states on 1 January 2024, in thousands (rounded to the nearest
 * thousand). Source: Eurostat, "Population on 1 January" (dataset demo_gind / tps00001), as
 * released on 11 July 2024 ("EU population increases again in 2024", Eurostat news
 * ddn-20240711-1; EU total 449.2 million). These are the figures from which the Council's 2025
 * qualified-majority table (Annex III to its Rules of Procedure) is drawn; Spain is INE's
 * provisional 48,610,458 of that release.
 *
 * Qualified majority (TEU art. 16(4), TFEU art. 238(3)): 55 % of the members (15 of 27)
 * representing 65 % of the population; a blocking minority needs at least 4 members.
 */
export const EU27_POPULATION_2024_THOUSANDS: Readonly<Record<string, number>> = {
  Germany: 83445, France: 68402, Italy: 58990, Spain: 48610, Poland: 36621, Romania: 19064,
  Netherlands: 17943, Belgium: 11832, Czechia: 10901, Portugal: 10640, Sweden: 10552,
  Greece: 10397, Hungary: 9585, Austria: 9159, Bulgaria: 6445, Denmark: 5961, Finland: 5604,
  Slovakia: 5425, Ireland: 5344, Croatia: 3862, Lithuania: 2886, Slovenia: 2124, Latvia: 1872,
  Estonia: 1375, Cyprus: 934, Luxembourg: 672, Malta: 563,
};

/** The Council's qualified-majority rule over EU27_POPULATION_2024_THOUSANDS. */
export const EU27_MEMBER_QUOTA = 15; // ⌈0.55 × 27⌉ = ⌈14.85⌉
export const EU27_POPULATION_SHARE = 0.65;
export const EU27_BLOCKING_MINORITY = 4;

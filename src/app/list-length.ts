/** How many recommendations each model lists on the research page (and the stored session's early answer). */
export const LIST_LENGTH = 10;

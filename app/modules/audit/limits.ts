/** Sequence numbers are 32-bit integers in both databases; anything larger names no event. */
export const MAX_SEQ = 2_147_483_647;

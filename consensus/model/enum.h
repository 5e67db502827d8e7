/* enum.h -- preprocessor enumerations shared by the Promela models (finality.pml,
 * set_change.pml): Promela has no loop over the options of a `do`, so one option per block index
 * (or per pair of indices) is generated here. */
#ifndef LINGJI_MODEL_ENUM_H
#define LINGJI_MODEL_ENUM_H

/* Enumerations over block indices 0..MAXB-1, and over pairs j <= p. */
#define E0(M)  M(0)
#define E1(M)  E0(M) M(1)
#define E2(M)  E1(M) M(2)
#define E3(M)  E2(M) M(3)
#define E4(M)  E3(M) M(4)
#define E5(M)  E4(M) M(5)
#define E6(M)  E5(M) M(6)
#define E7(M)  E6(M) M(7)
#define E8(M)  E7(M) M(8)
#define E9(M)  E8(M) M(9)
#define E10(M) E9(M) M(10)
#define E11(M) E10(M) M(11)
#define E12(M) E11(M) M(12)
#define E13(M) E12(M) M(13)
#define E14(M) E13(M) M(14)

#define P0(M, p)  M(p, 0)
#define P1(M, p)  P0(M, p) M(p, 1)
#define P2(M, p)  P1(M, p) M(p, 2)
#define P3(M, p)  P2(M, p) M(p, 3)
#define P4(M, p)  P3(M, p) M(p, 4)
#define P5(M, p)  P4(M, p) M(p, 5)
#define P6(M, p)  P5(M, p) M(p, 6)
#define P7(M, p)  P6(M, p) M(p, 7)
#define P8(M, p)  P7(M, p) M(p, 8)
#define P9(M, p)  P8(M, p) M(p, 9)
#define P10(M, p) P9(M, p) M(p, 10)
#define P11(M, p) P10(M, p) M(p, 11)
#define P12(M, p) P11(M, p) M(p, 12)
#define P13(M, p) P12(M, p) M(p, 13)

#define Q0(M)  P0(M, 0)
#define Q1(M)  Q0(M) P1(M, 1)
#define Q2(M)  Q1(M) P2(M, 2)
#define Q3(M)  Q2(M) P3(M, 3)
#define Q4(M)  Q3(M) P4(M, 4)
#define Q5(M)  Q4(M) P5(M, 5)
#define Q6(M)  Q5(M) P6(M, 6)
#define Q7(M)  Q6(M) P7(M, 7)
#define Q8(M)  Q7(M) P8(M, 8)
#define Q9(M)  Q8(M) P9(M, 9)
#define Q10(M) Q9(M) P10(M, 10)
#define Q11(M) Q10(M) P11(M, 11)
#define Q12(M) Q11(M) P12(M, 12)
#define Q13(M) Q12(M) P13(M, 13)

/* FOR_B(M): M(b) for b < MAXB. FOR_PJ(M): M(p, j) for j <= p < MAXB - 1 (a parent is never
 * the last slot of the array: the new block needs it). */
#define CAT(a, b)  a ## b
#define XCAT(a, b) CAT(a, b)
#define _LB_6  E5
#define _LB_7  E6
#define _LB_8  E7
#define _LB_9  E8
#define _LB_10 E9
#define _LB_11 E10
#define _LB_12 E11
#define _LB_13 E12
#define _LB_14 E13
#define _LB_15 E14
#define _LP_6  Q4
#define _LP_7  Q5
#define _LP_8  Q6
#define _LP_9  Q7
#define _LP_10 Q8
#define _LP_11 Q9
#define _LP_12 Q10
#define _LP_13 Q11
#define _LP_14 Q12
#define _LP_15 Q13
#define FOR_B(M)   XCAT(_LB_, MAXB)(M)
#define FOR_PJ(M)  XCAT(_LP_, MAXB)(M)

#endif

/*
 * set_change.pml -- the producer-set change of shared/CONSENSUS.md (b) "Set change", on top of
 * the voting and finality rules of finality.pml (read that header first: the same rules, the
 * same slot-by-slot exploration, the same reductions unless said otherwise here).
 *
 * THE SYSTEM
 *   Keys 0..4. S = {0,1,2,3} (the current set), S' = {0,1,2,4} (one member swapped: 3 leaves, 4
 *   joins); Q = 3 of 4 in each set. One faulty key per set, shared or new:
 *     default         key 2 is Byzantine (in both sets); 0, 1, 3 (leaving), 4 (new) are honest
 *     -DFAULTY_NEW    keys 3 (in S only) and 4 (in S' only) are Byzantine; 0, 1, 2 are honest
 *   The proposer of a slot is S[slot mod 4] on an S chain and S'[slot mod 4] on an S' chain; in
 *   both variants whether that key is faulty depends on the slot only (slots 2, 6 by default;
 *   3, 7 with FAULTY_NEW), so those are the Byzantine slots, the others have honest proposers.
 *   P, the block that computes S', is the (honest) block of slot 1.
 *
 *   Phase of a block, from its own chain (CONSENSUS.md): R is the first block of the chain whose
 *   justify J completes a finality proof of P (parent(J) = A, justify(J) = A,
 *   slot(J) = slot(A) + 1, A extends P); R2 is the first block after it whose justify likewise
 *   proves R final. Blocks before R: OLD, QC = Q of S. From R up to, not including, R2: PEND,
 *   QC = Q of S and Q of S' (one vote per key; a key in both counts for both). From R2 on: NEW,
 *   QC = Q of S'. Each block's QC is judged by its own phase (so "certified" and finality are);
 *   a fork without the proof of P stays OLD. A key votes on a block only if it belongs to a set
 *   whose signatures that block's QC takes; the new key 4 starts with lock = genesis (the weaker
 *   of the two starts the spec allows).
 *   Followers' rule "reject a justify older than the parent's justify" IS modelled here (it
 *   decides which block is R on a chain); -DNO_JUSTIFY_MONOTONE drops it.
 *   I1 (asserted after every vote): no two conflicting final blocks, whatever their phases.
 *   I3 (asserted too): at most one certified block per slot. Across phases it does not follow
 *   from quorum intersection (an S quorum and an S' quorum need not share an honest key); the
 *   locks are what keep it here.
 *
 * THE SCHEDULE is finality.pml's (a), with the stage of a slot kept as init's control location:
 *   the honest proposer's block (location `proposal`), then each honest key's turn in a fixed
 *   order (key0..key4; a Byzantine key has no turn, its vote is on every block). A key may vote
 *   for a Byzantine block that does not exist yet (reduction b): the choice (np, nj) is made in
 *   one step and the block is made in the next (location `make`), which keeps pan.c small.
 * DIFFERENCES FROM finality.pml's REDUCTIONS
 *   c'. Uncertified blocks can matter as parents here: one whose justify makes it the R or the
 *       R2 of its chain changes the phase of its descendants, and P defines the change. So at
 *       the end of a slot an uncertified block is dropped only if it is neither P nor the first
 *       block of a new phase on its chain (dropping the others loses nothing: a child of one
 *       gets the same phase and R from the dropped block's parent, and the justify rule still
 *       holds). Byzantine blocks may have any remaining block as parent; honest proposers extend
 *       certified blocks.
 *   d'. Votes are key bitmasks; at the end of a slot past blocks keep only "certified or not",
 *       and only keys with the same set membership and honesty are interchanged (0 and 1; or
 *       0, 1 and 2 with FAULTY_NEW).
 *   The block array: -DFULL_CHECK asserts that it never fills up; check_model.sh runs the
 *   correct models with it and one more entry than they need, so MAXB bounds nothing there.
 *   BYZPER (Byzantine blocks per slot) defaults to 4, the most honest keys that can vote.
 *
 * MUTANTS (each must violate I1 in the default variant; with FAULTY_NEW the honest keys are the
 * same in both sets, any two quorums share one, and none of them fails)
 *   -DSC_EARLY        S' is active as soon as P is final: R's chain is NEW from R on, no PEND
 *   -DPEND_ONLY_S     the PEND phase takes a quorum of S only (needs 7 slots to fail)
 *   -DPEND_ONLY_SP    the PEND phase takes a quorum of S' only
 *   -DNEW_FINAL_AT=k  sanity witness: "no NEW-phase block of slot k is final" must fail too
 */

#ifndef NS
#define NS 6
#endif
#ifndef MAXB
#define MAXB 11
#endif
#ifndef BYZPER
#define BYZPER 4
#endif
#if MAXB > 15
#error "MAXB must be <= 15"
#endif

#define K       5
#define Q       3
#define SMASK   15            /* S  = {0, 1, 2, 3} */
#define SPMASK  23            /* S' = {0, 1, 2, 4} */
#define ALLMASK 31
#define NONE    255
#define PBLK    1             /* P: the block of slot 1 */

#define OLD  0
#define PEND 1
#define NEW  2

#ifdef FAULTY_NEW
#define BYZMASK  24           /* keys 3 and 4 */
#define BYZ_SLOT ((now % 4) == 3)
#else
#define BYZMASK  4            /* key 2 */
#define BYZ_SLOT ((now % 4) == 2)
#endif
#define HONEST(k) (((BYZMASK >> (k)) & 1) == 0)

#if defined(SC_EARLY) || defined(PEND_ONLY_S) || defined(PEND_ONLY_SP) || defined(NEW_FINAL_AT)
#define MUTANT 1
#endif

typedef Block { byte slot; byte parent; byte justify; byte phase; byte r };

Block blk[MAXB];        /* r: index of the chain's R (PEND and NEW blocks), else NONE */
short anc[MAXB];        /* bit a set iff block b extends a (or a == b) */
byte  votes[MAXB];      /* bitmask of keys whose vote on b is visible */
byte  nb;
byte  now;
byte  first;            /* index of the first block of slot `now` */
/* The stage of a slot (proposal, then each honest key's turn) is the control location of init. */

byte lvs[K];
byte lock[K];
byte np = NONE;         /* parent and justify of the Byzantine block being made, else NONE */
byte nj = NONE;

hidden byte  hx, hy, hk, ht;
hidden short hfin;
hidden byte  no_conflicting_final;   /* I1 */
hidden byte  one_qc_per_slot;        /* I3 */
hidden byte  witness;

#define POP5(v)   (((v) & 1) + (((v) >> 1) & 1) + (((v) >> 2) & 1) + (((v) >> 3) & 1) + (((v) >> 4) & 1))
#define QS(x)     (POP5(votes[x] & SMASK) >= Q)
#define QSP(x)    (POP5(votes[x] & SPMASK) >= Q)
#if defined(PEND_ONLY_S)
#define QPEND(x)  QS(x)
#elif defined(PEND_ONLY_SP)
#define QPEND(x)  QSP(x)
#else
#define QPEND(x)  (QS(x) && QSP(x))
#endif
#define CERT(x)   (blk[x].phase == OLD -> QS(x) : (blk[x].phase == NEW -> QSP(x) : QPEND(x)))

/* Key k signs for blocks of phase ph. */
#define MEMBER(k, ph) \
  (ph == OLD -> ((SMASK >> (k)) & 1) : (ph == NEW -> ((SPMASK >> (k)) & 1) : (((SMASK | SPMASK) >> (k)) & 1)))

#define EXT(x, y)      (((anc[x]) >> (y)) & 1)
#define CONFLICT(x, y) (!EXT(x, y) && !EXT(y, x))
#define LSLOT(k)       (blk[lock[k]].slot)
#define RULE2(k, p, j) (EXT(p, lock[k]) || blk[j].slot > LSLOT(k))

/* Block j (a justify) completes a finality proof of a block that extends x. */
#define PROVES(j, x) \
  (j != 0 && blk[j].parent == blk[j].justify && blk[j].slot == blk[blk[j].parent].slot + 1 && \
   EXT(blk[j].parent, x))

#ifdef SC_EARLY
#define R_PHASE NEW
#else
#define R_PHASE PEND
#endif

#ifdef NO_JUSTIFY_MONOTONE
#define JUSTIFY_OK(p, j) true
#else
#define JUSTIFY_OK(p, j) (blk[j].slot >= blk[blk[p].justify].slot)
#endif

inline check_invariants() {
  hfin = 0;
  hx = 1;
  do
  :: hx < nb ->
     if
     :: CERT(hx) ->
        hy = hx + 1;
        do
        :: hy < nb ->
           if
           :: blk[hy].parent == hx && blk[hy].justify == hx &&
              blk[hy].slot == blk[hx].slot + 1 && CERT(hy) ->
              hfin = hfin | (1 << hx)
           :: else -> skip
           fi;
           hy++
        :: else -> break
        od
     :: else -> skip
     fi;
     hx++
  :: else -> break
  od;
  no_conflicting_final = 1;
  one_qc_per_slot = 1;
  witness = 1;
  hx = 1;
  do
  :: hx < nb ->
#ifdef NEW_FINAL_AT
     if
     :: ((hfin >> hx) & 1) && blk[hx].slot == NEW_FINAL_AT && blk[hx].phase == NEW -> witness = 0
     :: else -> skip
     fi;
#endif
     hy = hx + 1;
     do
     :: hy < nb ->
        if
        :: ((hfin >> hx) & 1) && ((hfin >> hy) & 1) && CONFLICT(hx, hy) ->
           no_conflicting_final = 0
        :: else -> skip
        fi;
        if
        :: blk[hx].slot == blk[hy].slot && CERT(hx) && CERT(hy) -> one_qc_per_slot = 0
        :: else -> skip
        fi;
        hy++
     :: else -> break
     od;
     hx++
  :: else -> break
  od;
#ifdef NEW_FINAL_AT
  assert(witness);
#endif
  assert(no_conflicting_final);
#ifndef MUTANT
  assert(one_qc_per_slot);
#endif
  skip
}

/* New block (now, p, j) at index nb, with its phase. */
inline new_block(p, j) {
  blk[nb].slot = now;
  blk[nb].parent = p;
  blk[nb].justify = j;
  anc[nb] = anc[p] | (1 << nb);
  votes[nb] = BYZMASK;
  if
  :: blk[p].phase == NEW -> blk[nb].phase = NEW; blk[nb].r = blk[p].r
  :: blk[p].phase == PEND ->
     blk[nb].r = blk[p].r;
     if
     :: PROVES(j, blk[p].r) -> blk[nb].phase = NEW
     :: else -> blk[nb].phase = PEND
     fi
  :: else ->
     if
     :: PROVES(j, PBLK) -> blk[nb].phase = R_PHASE; blk[nb].r = nb
     :: else -> blk[nb].phase = OLD; blk[nb].r = NONE
     fi
  fi;
  nb++
#ifdef FULL_CHECK
  ;assert(nb < MAXB)   /* the block array never fills up: MAXB is no bound */
#endif
}

/* End of a slot: drop the uncertified blocks that matter to nobody (reduction c'). */
inline collect_slot() {
  hk = first;
  hx = first;
  do
  :: hx < nb ->
     if
     :: CERT(hx) || hx == PBLK || blk[hx].phase != blk[blk[hx].parent].phase ->
        if
        :: CERT(hx) -> votes[hk] = ALLMASK
        :: else -> votes[hk] = 0
        fi;
        blk[hk].slot = blk[hx].slot;
        blk[hk].parent = blk[hx].parent;
        blk[hk].justify = blk[hx].justify;
        blk[hk].phase = blk[hx].phase;
        if
        :: blk[hx].r == hx -> blk[hk].r = hk
        :: else -> blk[hk].r = blk[hx].r
        fi;
        anc[hk] = anc[blk[hx].parent] | (1 << hk);
        hk++
     :: else -> skip
     fi;
     hx++
  :: else -> break
  od;
  hx = hk;
  do
  :: hx < nb ->
     blk[hx].slot = 0; blk[hx].parent = 0; blk[hx].justify = 0; blk[hx].phase = 0;
     blk[hx].r = 0; anc[hx] = 0; votes[hx] = 0;
     hx++
  :: else -> break
  od;
  nb = hk
}

inline cswap(a, b) {
  if
  :: lvs[a] > lvs[b] || (lvs[a] == lvs[b] && lock[a] > lock[b]) ->
     ht = lvs[a]; lvs[a] = lvs[b]; lvs[b] = ht;
     ht = lock[a]; lock[a] = lock[b]; lock[b] = ht
  :: else -> skip
  fi
}

inline new_slot() {
  hx = 0;
  do
  :: hx < K -> lvs[hx] = now - 1; hx++
  :: else -> break
  od;
#ifdef FAULTY_NEW
  cswap(0, 1); cswap(1, 2); cswap(0, 1)
#else
  cswap(0, 1)
#endif
}

#define RULE3(k, j) \
  if \
  :: blk[j].slot > LSLOT(k) -> lock[k] = j \
  :: else -> skip \
  fi; \
  lvs[k] = now

/* Whether a new block (now, p, j) is OLD, or NEW (the same computation as new_block). */
#define STAYS_OLD(p, j)   (blk[p].phase == OLD && !PROVES(j, PBLK))
#ifdef SC_EARLY
#define BECOMES_NEW(p, j) (blk[p].phase == NEW || PROVES(j, blk[p].phase == PEND -> blk[p].r : PBLK))
#else
#define BECOMES_NEW(p, j) (blk[p].phase == NEW || (blk[p].phase == PEND && PROVES(j, blk[p].r)))
#endif
/* Key k may vote for that new block: keys 0, 1, 2 are in both sets, 3 in S only, 4 in S' only. */
#define NEWMEM_0(p, j) true
#define NEWMEM_1(p, j) true
#define NEWMEM_2(p, j) true
#define NEWMEM_3(p, j) (!BECOMES_NEW(p, j))
#define NEWMEM_4(p, j) (!STAYS_OLD(p, j))
/* A block of an earlier slot is certified iff it kept ALLMASK (collect_slot). */
#define PAST_CERT(x)   (votes[x] == ALLMASK)

/* Key k votes for block b of slot `now`, then the invariants are checked (location CHECK). */
#define VOTE(k, b) \
  :: d_step { b >= first && b < nb && MEMBER(k, blk[b].phase) && now > lvs[k] && \
              RULE2(k, blk[b].parent, blk[b].justify) -> \
              RULE3(k, blk[b].justify); votes[b] = votes[b] | (1 << k) }; goto XCAT(check, k)

/* A new Byzantine block, made when the first honest key votes for it (reduction b): the choice
 * (np, nj) is made here, the block and the vote in the key's location `make` (one copy of that
 * code per key instead of one per choice; np, nj are reset there). */
#define VOTE_NEW(k, p, j) \
  :: d_step { BYZ_SLOT && nb < MAXB && nb - first < BYZPER && p < first && \
              EXT(p, j) && PAST_CERT(j) && JUSTIFY_OK(p, j) && XCAT(NEWMEM_, k)(p, j) && \
              now > lvs[k] && RULE2(k, p, j) -> np = p; nj = j }; goto XCAT(make, k)

/* Honest proposer of slot `now`: at most one block, on any certified block, justify = it. */
#define PROPOSE(p) \
  :: d_step { !BYZ_SLOT && nb < MAXB && p < first && PAST_CERT(p) -> new_block(p, p) }; goto key0

/* The turn of key k (k honest): vote for one block of slot `now`, or not at all. */
#define KEY_TURN(k, next) \
XCAT(key, k): \
  if \
  FOR_B(XCAT(VOTES_OF_, k)) \
  FOR_PJ(XCAT(NEW_VOTES_OF_, k)) \
  :: goto next \
  fi; \
XCAT(make, k): \
  if \
  :: d_step { np != NONE -> new_block(np, nj); RULE3(k, nj); \
              votes[nb - 1] = votes[nb - 1] | (1 << k); np = NONE; nj = NONE } \
  fi; \
XCAT(check, k): \
  if \
  :: d_step { check_invariants() } \
  fi; \
  goto next
#define NO_TURN(k, next) \
XCAT(key, k): goto next

#include "enum.h"

#define VOTES_OF_0(b) VOTE(0, b)
#define VOTES_OF_1(b) VOTE(1, b)
#define VOTES_OF_2(b) VOTE(2, b)
#define VOTES_OF_3(b) VOTE(3, b)
#define VOTES_OF_4(b) VOTE(4, b)
#define NEW_VOTES_OF_0(p, j) VOTE_NEW(0, p, j)
#define NEW_VOTES_OF_1(p, j) VOTE_NEW(1, p, j)
#define NEW_VOTES_OF_2(p, j) VOTE_NEW(2, p, j)
#define NEW_VOTES_OF_3(p, j) VOTE_NEW(3, p, j)
#define NEW_VOTES_OF_4(p, j) VOTE_NEW(4, p, j)

init {
  d_step {
    blk[0].slot = 0; blk[0].parent = 0; blk[0].justify = 0; blk[0].phase = OLD;
    blk[0].r = NONE; anc[0] = 1; votes[0] = ALLMASK;
    /* P: the honest block of slot 1, on genesis */
    now = 1; nb = 1; first = 1;
    new_block(0, 0)
  };
  goto key0;

proposal:
  if
  FOR_B(PROPOSE)
  :: goto key0                 /* no block from the honest proposer (or a Byzantine slot) */
  fi;

  /* the honest keys' turns, in a fixed order (the votes of one slot are independent) */
#ifdef FAULTY_NEW
  KEY_TURN(0, key1)
  KEY_TURN(1, key2)
  KEY_TURN(2, key3)
  NO_TURN(3, key4)
  NO_TURN(4, slot_end)
#else
  KEY_TURN(0, key1)
  KEY_TURN(1, key2)
  NO_TURN(2, key3)
  KEY_TURN(3, key4)
  KEY_TURN(4, slot_end)
#endif

slot_end:
  if
  :: now < NS ->
     d_step { collect_slot(); now++; first = nb; new_slot() };
     goto proposal
  :: else
  fi;
end:
  skip
}

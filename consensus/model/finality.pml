/*
 * finality.pml -- Promela model (Debian's `spin`) of Lingji's voting and finality rules,
 * shared/CONSENSUS.md section (b), checked as its section (c) asks. Run: check_model.sh.
 *
 * THE SYSTEM
 *   N = 4 keys, f = 1 Byzantine (key 3), Q = 3; slots 1..NS; proposer(slot) = slot mod 4, so
 *   slots 3 and 7 belong to the Byzantine key. blk[b] = {slot, parent, justify}; block 0 is
 *   genesis (slot 0, certified, final; every lock starts there). certified(b) := votes >= Q.
 *   A is directly final iff certified(A) and a certified B has parent(B) = A, justify(B) = A and
 *   slot(B) = slot(A) + 1; ancestors of a final block are final.
 *   I1 (asserted): no two conflicting (neither extends the other) final blocks. Checking directly
 *   final blocks is enough (if ancestors A' of A and C' of C conflict, A and C conflict). Finality
 *   is a function of (blocks, votes) and only a vote can make a block certified; the step that
 *   follows every vote (nothing else can run in between) recomputes and asserts I1 and, in the
 *   correct model, I3 (at most one certified block per slot). So they hold in every reachable
 *   state.
 *
 *   Honest keys 0..2 keep last_vote_slot (lvs) and lock. A vote on B applies CONSENSUS.md (b):
 *     1. slot(B) > lvs
 *     2. B extends lock (the lock itself counts) or slot(justify(B)) > slot(lock)
 *     3. lvs := slot(B); if slot(justify(B)) > slot(lock) then lock := justify(B)
 *     4. persist, then the vote becomes visible: one atomic step here. A crash before the write
 *        completes sends nothing; a crash after it only loses the send, and a vote that is lost
 *        or delayed is dominated by one that is visible at once (certification, finality and
 *        every step's guard are monotone in the votes; no honest rule reads them). For the same
 *        reason the Byzantine key's vote is on every block from the moment it exists, and the
 *        re-send of a stored vote (rule 1, equal slot and id) is not modelled.
 *   The Byzantine key signs blocks only in its own slots, any number of them, with any parent of a
 *   lower slot and any certified justify on that parent or an ancestor of it. The honest
 *   proposer of a slot makes at most one block, on ANY certified block of a lower slot, with
 *   justify = that block: the spec's "extend the block of the highest known QC" with "known"
 *   left to an asynchronous network. Not modelled, since they only restrict proposals and so
 *   leaving them out makes the adversary stronger: "never extend a branch conflicting with the
 *   last final block", "followers reject a justify older than the parent's". -DANY_PROPOSER
 *   makes every slot a Byzantine slot (safety must not rest on proposers at all).
 *
 * HOW THE SCHEDULE IS EXPLORED (reductions; each keeps every reachable violation of I1)
 *   a. Slot by slot. Every event concerns one block: its creation, or a vote on it. An event on
 *      a block of slot s depends only on events on blocks of lower slots (parent and justify
 *      have lower slots; a key's earlier votes have lower slots, by rule 1) or of slot s itself.
 *      So any asynchronous run (late votes, withheld blocks) can be reordered, keeping the
 *      order of events of one slot, into a run that plays slot 1, then slot 2, and so on, and
 *      ends with the same blocks, votes and key states. The model plays slots in that order:
 *      `now` is the slot being played; in it, first the honest proposer's block appears (stage
 *      0), then key 0, key 1, key 2 each vote on one block of slot `now` or skip (stages 1..3):
 *      the votes of one slot do not depend on each other. Rule 1 is still checked.
 *   b. Byzantine blocks are made when the first honest key votes for them ("vote for a new
 *      block (p, j)"), up to BYZPER per slot (default 3, the number of honest keys, so this is
 *      no bound): a block that no honest key votes for has one vote, is never certified, and
 *      does nothing (see c).
 *   c. At the end of a slot its votes are final. Its uncertified blocks are dropped and the
 *      certified ones keep only "certified": an uncertified block is never final, never a lock
 *      or a justify, and we only let certified blocks be parents. That last restriction loses
 *      nothing: replacing an uncertified parent by its nearest certified ancestor keeps every
 *      relation between certified blocks, every honest check (locks and justify targets are
 *      certified) and can only add finality edges.
 *   d. At the start of a slot, every lvs is below `now` and every block still to come is at
 *      `now` or later, so all lvs are set to now - 1; the honest keys are interchangeable (votes
 *      are counts, see VOTE_BITS) and their (lvs, lock) pairs are kept sorted.
 *   With MAXB >= NS + 3 the block array is no bound in the correct model: it holds genesis, at
 *   most one certified block per past slot (I3) and at most 3 blocks of slot `now`. -DFULL_CHECK
 *   asserts that the array never fills up (check_model.sh runs the correct models with it and
 *   one more entry than they need).
 *   The mutants use the same schedule (a PERSIST_AFTER_SEND crash comes within the key's turn).
 *
 * MUTANTS (each must violate I1; check_model.sh checks that it does)
 *   -DNO_SLOT_PLUS_ONE    the finality rule without slot(B) = slot(A) + 1
 *   -DPERSIST_AFTER_SEND  the vote is visible before its state is written; a crash in between
 *                         reloads the old state, and the key may vote again in that slot
 *   -DNO_LOCK_CHECK       rule 2 removed
 *   -DLOCK_RESET          a key whose safety file is lost "recovers" once: lvs := now - 1 and
 *                         lock := the highest QC it sees after sync, which on an asynchronous
 *                         network can be any certified block. (The spec's rule is that such a key
 *                         never votes again, which is covered by a key that always skips.)
 *   -DFINAL_AT=k          sanity witnesses, which must fail too: "no block of slot k is ever
 *   -DFORK_WITNESS        final" and "no two conflicting blocks are both certified" (finality is
 *                         reachable deep down, and the adversary can really fork).
 */

#ifndef NS
#define NS 6
#endif
#ifndef MAXB
#define MAXB 10
#endif
#ifndef BYZPER
#define BYZPER 3
#endif
#if MAXB > 15
#error "MAXB must be <= 15 (16-bit ancestor sets, enumeration macros)"
#endif

#define N     4
#define Q     3
#define BYZ   3
#define NONE  255

#if defined(NO_SLOT_PLUS_ONE) || defined(PERSIST_AFTER_SEND) || defined(NO_LOCK_CHECK) || defined(LOCK_RESET) || defined(FINAL_AT) || defined(FORK_WITNESS)
#define MUTANT 1
#endif
/* A key that crashes after sending may send a second vote on the same block: count keys. */
#if defined(PERSIST_AFTER_SEND) && !defined(VOTE_BITS)
#define VOTE_BITS 1
#endif

typedef Block { byte slot; byte parent; byte justify };

Block blk[MAXB];
short anc[MAXB];       /* bit a set iff block b extends a (or a == b); derived from parents */
byte  votes[MAXB];     /* number of visible votes on b (a bitmask of keys with VOTE_BITS) */
byte  nb;              /* number of blocks, genesis included */
byte  now;             /* the slot being played */
byte  stage;           /* 0: proposal of slot `now`; 1..3: key 0..2 votes; 4: done */
byte  first;           /* index of the first block of slot `now` (== nb while there is none) */
bit   voted;           /* a vote was just made visible: the next step asserts the invariants */
bit   turn_over;       /* the key whose stage it is has finished: the next step advances */

/* Honest keys. In the correct model the vote, the state change and its persistence are one
 * atomic step, so these ARE the persisted state. */
byte lvs[3];           /* last_vote_slot */
byte lock[3];          /* lock (block index) */
#ifdef PERSIST_AFTER_SEND
byte plvs[3];          /* persisted copies; lvs/lock above are the in-memory ones */
byte plock[3];
byte pend;             /* block voted (vote visible) whose state is not yet durable, or NONE */
#endif
#ifdef LOCK_RESET
bit reset_used;
#endif

/* Scratch for the computations inside d_steps: not part of the state vector. */
hidden byte  hx, hy, hk, ht;
hidden short hfin;
hidden byte  no_conflicting_final;   /* I1 */
hidden byte  one_qc_per_slot;        /* I3 */
hidden byte  witness;                /* FINAL_AT, FORK_WITNESS */

#ifdef VOTE_BITS
#define POP(v)       (((v) & 1) + (((v) >> 1) & 1) + (((v) >> 2) & 1) + (((v) >> 3) & 1))
#define CERT(x)      (POP(votes[x]) >= Q)
#define ADD_VOTE(i, b) votes[b] = votes[b] | (1 << i)
#define BYZ_VOTE     (1 << BYZ)
#define ALL_VOTES    15
#else
#define CERT(x)      (votes[x] >= Q)
#define ADD_VOTE(i, b) votes[b]++
#define BYZ_VOTE     1
#define ALL_VOTES    N
#endif

#define EXT(x, y)      (((anc[x]) >> (y)) & 1)            /* x extends y, or x == y */
#define CONFLICT(x, y) (!EXT(x, y) && !EXT(y, x))
#define LSLOT(i)       (blk[lock[i]].slot)

#ifdef NO_SLOT_PLUS_ONE
#define SLOT_OK(a, b) true
#else
#define SLOT_OK(a, b) (blk[b].slot == blk[a].slot + 1)
#endif

/* Rule 2 for a block with parent p and justify j: the block extends lock iff p does. */
#ifdef NO_LOCK_CHECK
#define RULE2(i, p, j) true
#else
#define RULE2(i, p, j) (EXT(p, lock[i]) || blk[j].slot > LSLOT(i))
#endif

#ifdef ANY_PROPOSER
#define HONEST_SLOT  false
#define BYZ_SLOT     true
#else
#define HONEST_SLOT  ((now % N) != BYZ)
#define BYZ_SLOT     ((now % N) == BYZ)
#endif

#ifdef PERSIST_AFTER_SEND
#define IDLE (!voted && !turn_over && pend == NONE)
#else
#define IDLE (!voted && !turn_over)
#endif

/* I1 (and I3 in the correct model), recomputed after every change of `votes`. */
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
           :: blk[hy].parent == hx && blk[hy].justify == hx && SLOT_OK(hx, hy) && CERT(hy) ->
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
#ifdef FINAL_AT
     if
     :: ((hfin >> hx) & 1) && blk[hx].slot == FINAL_AT -> witness = 0
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
#ifdef FORK_WITNESS
        if
        :: CERT(hx) && CERT(hy) && CONFLICT(hx, hy) -> witness = 0
        :: else -> skip
        fi;
#endif
        hy++
     :: else -> break
     od;
     hx++
  :: else -> break
  od;
#if defined(FINAL_AT) || defined(FORK_WITNESS)
  assert(witness);
#endif
  assert(no_conflicting_final);
#ifndef MUTANT
  assert(one_qc_per_slot);
#endif
}

inline new_block(s, p, j) {
  blk[nb].slot = s;
  blk[nb].parent = p;
  blk[nb].justify = j;
  anc[nb] = anc[p] | (1 << nb);
  votes[nb] = BYZ_VOTE;          /* the Byzantine key votes for everything */
  nb++
#ifdef FULL_CHECK
  ;assert(nb < MAXB)   /* the block array never fills up: MAXB is no bound */
#endif
}

/* End of a slot (reduction c): drop its uncertified blocks, keep "certified" for the others. */
inline collect_slot() {
  hk = first;
  hx = first;
  do
  :: hx < nb ->
     if
     :: CERT(hx) ->
        blk[hk].slot = blk[hx].slot;
        blk[hk].parent = blk[hx].parent;
        blk[hk].justify = blk[hx].justify;
        anc[hk] = anc[blk[hx].parent] | (1 << hk);
        votes[hk] = ALL_VOTES;
        hk++
     :: else -> skip
     fi;
     hx++
  :: else -> break
  od;
  hx = hk;
  do
  :: hx < nb ->
     blk[hx].slot = 0; blk[hx].parent = 0; blk[hx].justify = 0; anc[hx] = 0; votes[hx] = 0;
     hx++
  :: else -> break
  od;
  nb = hk
}

/* Start of a slot (reduction d). */
inline cswap(a, b) {
  if
  :: lvs[a] > lvs[b] || (lvs[a] == lvs[b] && lock[a] > lock[b]) ->
     ht = lvs[a]; lvs[a] = lvs[b]; lvs[b] = ht;
     ht = lock[a]; lock[a] = lock[b]; lock[b] = ht
  :: else -> skip
  fi
}
inline new_slot() {
  lvs[0] = now - 1; lvs[1] = now - 1; lvs[2] = now - 1;
#ifdef PERSIST_AFTER_SEND
  plvs[0] = now - 1; plvs[1] = now - 1; plvs[2] = now - 1;
#endif
#ifndef VOTE_BITS
  cswap(0, 1); cswap(1, 2); cswap(0, 1)
#endif
}

/* End of a key's turn: the next key, or the next slot. */
inline advance() {
  if
  :: stage < 3 -> stage++
  :: else ->
     if
     :: now < NS -> collect_slot(); now++; stage = 0; first = nb; new_slot()
     :: else -> stage = 4
     fi
  fi
}

/* Rule 3 (lvs := now is slot(B): only blocks of slot `now` are voted on). */
#define RULE3(i, j) \
  if \
  :: blk[j].slot > LSLOT(i) -> lock[i] = j \
  :: else -> skip \
  fi; \
  lvs[i] = now

#ifndef PERSIST_AFTER_SEND
/* Correct order: update the state, write it, then the vote is visible (one atomic step). */
#define CAST(i, b) ADD_VOTE(i, b); voted = 1; turn_over = 1
#define AFTER_VOTE(i)
#else
/* Mutant: the vote is visible first and the state is written afterwards, unless the key
 * crashes in between, which reloads the old persisted state. */
#define CAST(i, b) ADD_VOTE(i, b); voted = 1; pend = b
#define AFTER_VOTE(i) \
  :: d_step { stage == i + 1 && !voted && pend != NONE -> \
              plvs[i] = lvs[i]; plock[i] = lock[i]; pend = NONE; turn_over = 1 } \
  :: d_step { stage == i + 1 && !voted && pend != NONE -> \
              lvs[i] = plvs[i]; lock[i] = plock[i]; pend = NONE }
#endif

/* Key i votes for block b of slot `now`. */
#define VOTE(i, b) \
  :: d_step { stage == i + 1 && IDLE && b >= first && b < nb && now > lvs[i] && \
              RULE2(i, blk[b].parent, blk[b].justify) -> \
              RULE3(i, blk[b].justify); CAST(i, b) }

/* Key i votes for a new Byzantine block of slot `now` with parent p and justify j (j is p or an
 * ancestor of p, hence j <= p: blocks are numbered in slot order). */
#define VOTE_NEW(i, p, j) \
  :: d_step { stage == i + 1 && IDLE && BYZ_SLOT && nb < MAXB && nb - first < BYZPER && \
              p < first && CERT(p) && EXT(p, j) && CERT(j) && now > lvs[i] && RULE2(i, p, j) -> \
              new_block(now, p, j); RULE3(i, j); CAST(i, nb - 1) }

/* Key i does not vote in this slot (no valid block, block not received, offline). */
#define SKIP(i)  :: d_step { stage == i + 1 && IDLE -> turn_over = 1 }

/* Honest proposer of slot `now`: at most one block, on any certified block, justify = it. */
#define PROPOSE(p) \
  :: d_step { stage == 0 && HONEST_SLOT && first == nb && nb < MAXB && p < first && CERT(p) -> \
              new_block(now, p, p) }

#ifdef LOCK_RESET
/* Mutant: key k lost its safety file and recovers at the start of slot `now`: lvs := now - 1
 * and lock := the highest QC it saw after sync: any certified block. */
#define RESET(k, x) \
  :: d_step { stage == 0 && !reset_used && x < nb && CERT(x) -> \
              lock[k] = x; lvs[k] = now - 1; reset_used = 1 }
#else
#define RESET(k, x)
#endif

#include "enum.h"

#define VOTES_FOR(b)     VOTE(0, b) VOTE(1, b) VOTE(2, b)
#define NEW_VOTES(p, j)  VOTE_NEW(0, p, j) VOTE_NEW(1, p, j) VOTE_NEW(2, p, j)
#define RESETS_TO(x)     RESET(0, x) RESET(1, x) RESET(2, x)

init {
  /* genesis: slot 0, its own parent and justify, certified by everyone */
  d_step {
    blk[0].slot = 0; blk[0].parent = 0; blk[0].justify = 0;
    anc[0] = 1; votes[0] = ALL_VOTES; nb = 1; now = 1; stage = 0; first = 1;
#ifdef PERSIST_AFTER_SEND
    pend = NONE;
#endif
  }
end:
  do
  FOR_B(PROPOSE)
  FOR_B(RESETS_TO)
  :: d_step { stage == 0 -> stage = 1 }      /* no more blocks of this slot from its proposer */
  FOR_B(VOTES_FOR)
  FOR_PJ(NEW_VOTES)
  AFTER_VOTE(0) AFTER_VOTE(1) AFTER_VOTE(2)
  SKIP(0) SKIP(1) SKIP(2)
  /* After every vote: assert the invariants. After every turn: next key, or next slot. */
  :: d_step { voted || turn_over ->
       if
       :: voted -> check_invariants(); voted = 0
       :: else -> skip
       fi;
       if
       :: turn_over -> advance(); turn_over = 0
       :: else -> skip
       fi }
  od
}

"""Which labelled files the is-it-us check is trained on (``monitor train-identity``), and why each joined.

The order is part of the model: training reads them in this order, so the committed model is reproduced exactly.
"""

# What the committed model is trained on (relative to the project root), in this order.
TRAINING_FILES = (
    "tests/data/labelled_mentions.jsonl",
    "tests/data/fresh_mentions.jsonl",
    "training/identity/namesakes_a.jsonl",
    "training/identity/namesakes_b.jsonl",
    "training/identity/namesakes_c.jsonl",
    "training/t1_social.jsonl",
    "training/t2_long.jsonl",
    "training/t3_registers.jsonl",
    "training/t4_namesakes.jsonl",
    "training/t5_hard.jsonl",
    "training/t6_snippets.jsonl",
    "training/t7_voices.jsonl",
    "training/t8_identity.jsonl",
    "training/t9_boundaries.jsonl",
    "training/identity/t10_namesakes_uk.jsonl",
    "training/identity/t11_namesakes_world.jsonl",
    "training/identity/t12_namesakes_pairs.jsonl",
    "training/identity/t14_namesakes_kinds.jsonl",
    "training/t15_wirral.jsonl",
    "training/t16_norfolk.jsonl",
    "training/t17_swansea.jsonl",
    "training/t18_cumbria.jsonl",
    "training/t19_belfast.jsonl",
    "training/t20_medway.jsonl",
    "training/t21_coventry.jsonl",
    "training/t22_cornwall.jsonl",
    "training/t23_leicester.jsonl",
    "training/t25_brighton.jsonl",
    "training/t26_derby.jsonl",
    "training/t27_oxford.jsonl",
    "training/t29_suffolk.jsonl",
    # round 9: three helpers' blind files, namesakes and ordinary phrases teaching only this model for now (in
    # training/identity/ so the judgement's training, which reads the top of training/, is unchanged until it is
    # retrained with them: training/README.md)
    "training/t30_nottingham.jsonl",
    "training/t31_lincoln.jsonl",
    "training/t32_luton.jsonl",
    "training/t33_edinburgh.jsonl",
    "training/t34_cambridge.jsonl",
    "training/t35_glasgow.jsonl",
    # round 10: two more helpers' blind files of namesakes (scored before training on them: README "Is it us?")
    "training/t37_york.jsonl",
    "training/t38_reading.jsonl",
    "training/t41_swindon.jsonl",
    # round 11: five new writers' namesakes (t43, t45, t46 scored pseudo-blind first; t48, t49 too, by the lead)
    "training/t43_worcester.jsonl",
    "training/t45_bath.jsonl",
    "training/t46_kent.jsonl",
    "training/t48_blackcountry.jsonl",
    "training/t49_carmarthen.jsonl",
    # round 12: two more new writers' namesakes (scored pseudo-blind first: README "Is it us?")
    "training/t51_dumfries.jsonl", "training/t52_gwynedd.jsonl",
    # round 13: five more new writers' namesakes and true mentions (scored pseudo-blind first: README "Is it us?")
    "training/t54_ayrshire.jsonl", "training/t55_newry.jsonl", "training/t57_torbay.jsonl",
    "training/t59_borders.jsonl", "training/t60_fermanagh.jsonl",
    # round 14: two more new writers (scored pseudo-blind first: README "Is it us?"); t64 is true mentions written the
    # hard way (initials, the charity's own voice, things of ours named like products) beside namesakes
    "training/t63_moray.jsonl", "training/t64_anglesey.jsonl",
    # added by the lead at round 14's merge: t65 (not-about-us posts in alarming registers), t66 (a judgement mix)
    "training/t65_isleofman.jsonl", "training/t66_dorset.jsonl",
    # round 15: four more new writers, each scored pseudo-blind first (README "Is it us?"): t67 and t69 namesakes beside
    # true mentions, t68 a judgement mix, t71 true mentions written the hard way beside namesakes
    "training/t67_ealing.jsonl", "training/t68_harrow.jsonl", "training/t69_bromley.jsonl", "training/t71_blackburn.jsonl",
    # added by the lead at round 15's merge: t70 (a judgement mix), t74 (true mentions written the hard way beside
    # namesakes, like t71) and t75 (namesakes beside true mentions, like t69); each scored by round 14's models first
    "training/t70_walsall.jsonl", "training/t74_sutton.jsonl", "training/t75_enfield.jsonl",
    # round 16: three new writers with the charity's products in their sidecars, each scored pseudo-blind first (README
    # "Is it us?")
    "training/t76_burton.jsonl", "training/t77_chelmsford.jsonl", "training/t80_oban.jsonl",
    # added by the lead at round 16's merge: t72 (namesakes beside true mentions; read by round 16's names developer, so
    # no longer a clean test), t73 and t78 (serious-sounding posts, about us and not), t79 (a judgement mix); each scored
    # by round 15's models first
    "training/t72_maidstone.jsonl", "training/t73_greatyarmouth.jsonl", "training/t78_barnstaple.jsonl",
    "training/t79_llandudno.jsonl",
    # round 17: three new writers with products in their sidecars, each scored first by round 16's check (README "Is it
    # us?"): t82 and t84 namesakes beside true mentions, t86 true mentions written the hard way (moved up from
    # training/identity/ at the merge, so the judgement learns from them too)
    "training/t82_sthelens.jsonl", "training/t84_basingstoke.jsonl", "training/t86_aylesbury.jsonl",
    # added by the lead at round 17's merge: the judgement's new writers t83 and t85 (judgement mixes) and t87
    # (serious-sounding posts, about us and not), each scored by round 16's models first
    "training/t83_hexham.jsonl", "training/t85_thetford.jsonl", "training/t87_bridgend.jsonl",
    # and t81 (a judgement mix, read by the lead at round 16's merge, so no longer a clean test), for both models
    "training/t81_darlington.jsonl",
    # round 18: t88 (namesakes beside true mentions) and t89 (a judgement mix), round 17's clean tests in
    # training/next/, and t90-t93 (written during round 18: namesakes beside true mentions, a judgement mix, true
    # mentions written the hard way, serious-sounding posts), each scored first by round 17's committed check (README
    # "Is it us?")
    "training/t88_andover.jsonl", "training/t89_whitby.jsonl", "training/t90_rutland.jsonl",
    "training/t91_southholland.jsonl", "training/t92_skye.jsonl", "training/t93_sherwood.jsonl",
    # round 19's start: t94 (namesakes beside true mentions) and t95 (a judgement mix), round 18's clean tests, scored
    # by round 18's merged models before they were moved up (training/README.md)
    "training/t94_furness.jsonl", "training/t95_bishopsstortford.jsonl",
    # round 19's merge: t96 (namesakes beside true mentions written the hard way) and t97 (a judgement mix), written
    # blind during round 19 and scored by its starting models first (training/README.md)
    "training/t96_richmondshire.jsonl", "training/t97_letchworth.jsonl",
    # round 20's start: t98 (namesakes beside true mentions) and t99 (a judgement mix), round 19's clean tests, scored
    # by round 19's merged models before they were moved up (training/README.md)
    "training/t98_bude.jsonl", "training/t99_wetherby.jsonl",
    # round 20's merge: t100 (namesakes beside true mentions written the hard way) and t101 (a judgement mix), written
    # blind during round 20 and scored first by its merged models, trained without them (training/README.md)
    "training/t100_dursley.jsonl", "training/t101_easterross.jsonl",
    # round 21's start: t102 (namesakes beside true mentions) and t103 (a judgement mix), round 20's clean tests, scored
    # by round 20's merged models before they were moved up (training/README.md)
    "training/t102_angus.jsonl", "training/t103_llandovery.jsonl",
    # round 21's merge: t104 (namesakes beside true mentions written the hard way) and t105 (a judgement mix), written
    # blind during round 21 and scored first by its merged code, trained without them (training/README.md)
    "training/t104_exmoor.jsonl", "training/t105_wychwood.jsonl",
    # round 22's start: t106 (namesakes beside true mentions) and t107 (a judgement mix), round 21's clean tests, scored
    # by round 21's merged models and again by round 22's starting code before they were moved up (training/README.md)
    "training/t106_faversham.jsonl", "training/t107_marketdrayton.jsonl",
    # round 22's merge: t108 (namesakes beside true mentions written the hard way) and t109 (a judgement mix), written
    # blind during round 22 and scored first by its merged code, trained without them (training/README.md)
    "training/t108_eastneuk.jsonl", "training/t109_hambleton.jsonl",
    # round 23's start: t110 (namesakes beside true mentions) and t111 (a judgement mix), round 22's clean tests, scored
    # by round 22's merged models and again by round 23's starting code before they were moved up (training/README.md)
    "training/t110_hillfoots.jsonl", "training/t111_sutherland.jsonl",
    # round 23's merge: t112 (namesakes beside true mentions written the hard way) and t113 (a judgement mix), written
    # blind during round 23 and scored first by its code trained without them (training/README.md)
    "training/t112_banffcoast.jsonl", "training/t113_howdenshire.jsonl",
    # round 24's start: t114 (namesakes beside true mentions) and t115 (a judgement mix), round 23's clean tests, scored
    # by round 23's merged models (the same as round 24's starting code) before they were moved up (training/README.md)
    "training/t114_westerross.jsonl", "training/t115_swstaffs.jsonl",
    # round 24: t116 (namesakes beside true mentions) and t117 (a judgement mix), written blind during round 24 and
    # scored first by its code trained without them (training/README.md)
    "training/t116_teesdale.jsonl", "training/t117_cowal.jsonl",
    # round 24's merge: t120 (namesakes beside true mentions) and t121 (a judgement mix), written blind during round 24
    # and scored first by its code trained without them (training/README.md)
    "training/t120_carrick.jsonl", "training/t121_hunts.jsonl",
    # round 25's start: t118 (namesakes beside true mentions) and t119 (a judgement mix), round 24's clean tests, scored
    # by round 24's merged models (the same as round 25's starting code) before they were moved up (training/README.md)
    "training/t118_bureyare.jsonl", "training/t119_deanwest.jsonl",
    # round 25's merge: t122, t124 and t128 (namesakes beside true mentions), t123, t125 and t129 (judgement mixes),
    # written blind during round 25 and scored first by its starting code trained without them (training/README.md)
    "training/t122_worthvalley.jsonl", "training/t123_upperdon.jsonl", "training/t124_roseland.jsonl",
    "training/t125_tanat.jsonl", "training/t128_glenkens.jsonl", "training/t129_derwentfells.jsonl",
    # round 26's start: t126 (namesakes beside true mentions) and t127 (a judgement mix), round 25's clean tests, scored
    # by round 25's merged models (the same as round 26's starting code) before they were moved up (training/README.md)
    "training/t126_eastherts.jsonl", "training/t127_highlandperth.jsonl",
    # round 26's merge: t130, t132 and t136 (namesakes beside true mentions), t131, t133 and t137 (judgement mixes),
    # written blind during round 26 and scored first by its starting code trained without them (training/README.md)
    "training/t130_teme.jsonl", "training/t131_cheviot.jsonl", "training/t132_lleyn.jsonl",
    "training/t133_westwight.jsonl", "training/t136_rhinns.jsonl", "training/t137_ards.jsonl",
    # round 27's start: t134 (namesakes beside true mentions) and t135 (a judgement mix), round 26's clean tests, scored
    # by round 26's merged code (the same rows as round 27's starting code) before they were moved up (training/README.md)
    "training/t134_sperrins.jsonl", "training/t135_blackdown.jsonl",
    # round 28's start: t138 (namesakes beside true mentions) and t141 (a judgement mix), written blind during round 27
    # and delivered after its code was final, scored again by round 28's starting code before they were moved up
    # (training/README.md)
    "training/t138_quantocks.jsonl", "training/t141_howardian.jsonl",
    # round 28's merge: t139 (namesakes beside true mentions) and t140 (a judgement mix), written blind during round 28
    # and scored first by its code trained without them (training/README.md)
    "training/t139_dengie.jsonl", "training/t140_ywolds.jsonl",
    # round 29's start: t142 and t144 (namesakes beside true mentions) and t145 (a judgement mix), written blind during
    # rounds 27 and 28, scored again by round 29's starting code before they were moved up (training/README.md)
    "training/t142_wolds.jsonl", "training/t144_wensum.jsonl", "training/t145_allen.jsonl",
    # round 29's merge: t146 and t150 (namesakes beside true mentions), t147, t149 and t151 (judgement mixes), written
    # blind during round 29 and scored first by its code trained without them (training/README.md)
    "training/t146_mull.jsonl", "training/t147_hope.jsonl", "training/t149_ulster.jsonl",
    "training/t150_evesham.jsonl", "training/t151_thanet.jsonl",
    # round 30's start: t152 and t155 (namesakes beside true mentions), t153 and t154 (judgement mixes), written blind
    # after round 29's code was final, scored again by round 30's starting code before they were moved up
    # (training/README.md)
    "training/t152_holme.jsonl", "training/t153_gorge.jsonl", "training/t154_waterpark.jsonl",
    "training/t155_solway.jsonl",
    # round 30's merge: t157 and t159 (namesakes beside true mentions), t156 and t158 (judgement mixes), written blind
    # during round 30 and scored first by its merged code trained without them (training/README.md)
    "training/t156_afan.jsonl", "training/t157_romney.jsonl", "training/t158_axholme.jsonl",
    "training/t159_fenland.jsonl",
    # round 31's start: t161 and t163 (namesakes beside true mentions), t160 and t162 (judgement mixes), written blind
    # after round 30's code was final, scored again by round 31's starting code; the lead read their missed true
    # mentions first (training/README.md)
    "training/t160_dyfi.jsonl", "training/t161_nithsdale.jsonl", "training/t162_teviot.jsonl",
    "training/t163_chase.jsonl",
    # round 32's start: t165 and t167 (namesakes beside true mentions), t164 and t166 (judgement mixes), written blind
    # while round 31's lead worked, scored by round 31's final code and again by round 32's starting code; the lead
    # read their missed true mentions first (training/README.md)
    "training/t164_clun.jsonl", "training/t165_lizard.jsonl", "training/t166_golden.jsonl",
    "training/t167_urquhart.jsonl",
    # round 33's start: t169 and t171 (namesakes beside true mentions), t168 and t170 (judgement mixes), written blind
    # while round 32's lead worked, scored by round 32's final code and again by round 33's starting code; the lead
    # read their missed true mentions first (training/README.md)
    "training/t168_berwick.jsonl", "training/t169_levels.jsonl", "training/t170_causeway.jsonl",
    "training/t171_beacons.jsonl",
    # round 34's start (29 Nov 2026): t172-t175, written blind (policy, label guide, area and products only) while
    # round 33's lead worked, scored by round 33's final code and by round 34's starting code and short forms; the
    # lead read their missed true mentions first (training/README.md)
    "training/t172_marshwood.jsonl", "training/t173_welland.jsonl", "training/t174_harris.jsonl",
    "training/t175_dee.jsonl",
    # round 35's start (29 Nov 2026): t176-t179, written blind (policy, label guide, area and products only) while
    # round 34's lead worked, scored by round 34's final code and by round 35's starting code and short forms; the
    # lead read their missed true mentions first (training/README.md)
    "training/t176_merse.jsonl", "training/t177_irthing.jsonl", "training/t178_wreake.jsonl",
    "training/t179_idle.jsonl",
    # round 36's start: written on 29 Nov 2026 (session of 18:17 UTC) while round 35's lead worked, scored by round
    # 35's final code, by round 36's starting code and by its product rules; the lead read their missed true mentions
    # first (training/README.md)
    "training/t180_rother.jsonl", "training/t181_wyre.jsonl", "training/t182_fowey.jsonl",
    "training/t183_lochaber.jsonl",
    # round 37's start: written on 29 Nov 2026 (session of 20:38 UTC) while round 36's lead worked, scored by round
    # 36's final code and by round 37's starting code and short forms; the lead read their missed true mentions and
    # crises below alert first (training/README.md)
    "training/t184_sheppey.jsonl", "training/t185_cleveland.jsonl", "training/t186_amman.jsonl",
    "training/t187_midargyll.jsonl",
)

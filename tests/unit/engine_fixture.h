/* The Docker Engine API replies captured from the dropper incident
 * (tests/fixtures/engine/docker-20.10-dropper), for the suites that decode
 * them. */
#ifndef MT_ENGINE_FIXTURE_H
#define MT_ENGINE_FIXTURE_H

#include "slurp.h"

#define DIR MT_FIXTURES_DIR "/engine/docker-20.10-dropper/"
#define CID "d4abb3cb95d078cd526b23b38d577ec82a5800dd8d9cd539bf49176657fab295"
#define XID "86054809e9607f4b6ba9b9e61cd00c52958937892584d298bdc825c4648778f9"
#define IMG "sha256:20c3af9d76f245a7e61f8dc8312d8246d9ee6136925a1eb48d7279c45d777561"

#endif

// Custom search attributes, so the Temporal UI and `temporal workflow list --query` can filter
// runs by project, cluster and phase. The dev server registers them at start (src/devserver);
// docker-compose registers them for a self-hosted server.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const AtlasProject = defineSearchAttributeKey('AtlasProject', SearchAttributeType.KEYWORD);
export const AtlasCluster = defineSearchAttributeKey('AtlasCluster', SearchAttributeType.KEYWORD);
export const BackupPhase = defineSearchAttributeKey('BackupPhase', SearchAttributeType.KEYWORD);
export const DrSource = defineSearchAttributeKey('DrSource', SearchAttributeType.KEYWORD);
export const DrTarget = defineSearchAttributeKey('DrTarget', SearchAttributeType.KEYWORD);

/** The fleet run that started a backupPipeline (its children carry it; stable across continue-as-new). */
export const FleetId = defineSearchAttributeKey('FleetId', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [AtlasProject, AtlasCluster, BackupPhase, DrSource, DrTarget, FleetId];

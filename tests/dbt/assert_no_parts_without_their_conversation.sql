-- SPEC §1 D: a part whose conversation is not in the connector's conversation table is never dropped
-- silently. It is kept out of the marts and listed in mart_conversation_data_quality; this warns with
-- how many conversations have such parts.
{{ config(severity='warn') }}

select
    conversation_id,
    affected_count as parts
from {{ ref('mart_conversation_data_quality') }}
where issue = 'orphan_parts'

-- Airbyte's Intercom conversations that leave every mart (SPEC §1 D): `deleted` (the current record carries `_ab_cdc_deleted_at` from a CDC sync) and
-- `orphan_parts` (current parts whose conversation is not in the conversation table).
with

current_conversations as (

    {{ airbyte_current_conversations() }}

),

current_parts as (

    {{ airbyte_current_parts() }}

),

final as (

    {{ conversations_excluded('current_conversations', 'current_parts', 'airbyte: conversations', 'airbyte: conversation_parts') }}

)

select * from final

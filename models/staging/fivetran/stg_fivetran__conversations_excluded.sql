-- Fivetran's Intercom conversations that leave every mart (SPEC §1 D): `deleted` (no active row in history mode, or a current row marked _fivetran_deleted) and
-- `orphan_parts` (current parts whose conversation is not in the conversation table).
with

current_conversations as (

    {{ fivetran_current_conversations() }}

),

current_parts as (

    {{ fivetran_current_parts() }}

),

final as (

    {{ conversations_excluded('current_conversations', 'current_parts', 'fivetran: conversation_history', 'fivetran: conversation_part_history') }}

)

select * from final

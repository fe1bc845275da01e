-- Data quality: resolved conversations kept out of the resolution metrics, and why (SPEC §4), so
-- nothing vanishes silently.
with

conversations as (

    select
        conversation_id,
        resolution_source,
        resolution_exclusion_reason,
        state,
        resolution_started_at,
        resolved_at,
        resolution_seconds
    from {{ ref('fct_conversations') }}
    where resolution_exclusion_reason is not null

),

final as (

    select
        conversation_id,
        resolution_exclusion_reason as reason,
        resolution_source,
        state,
        resolution_started_at,
        resolved_at,
        resolution_seconds
    from conversations

)

select * from final

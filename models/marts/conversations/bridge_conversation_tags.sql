-- One row per (conversation, tag), for breach rates by tag and BI filters.
with

conversation_tags as (

    select
        conversation_id,
        tag
    from {{ ref('int_conversation_tags_unnested') }}

),

final as (

    select
        conversation_id,
        tag
    from conversation_tags

)

select * from final
